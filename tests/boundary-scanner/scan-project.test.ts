import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Finding } from '../../src/boundary-scanner/finding.js';
import { NoTypeScriptFilesError } from '../../src/boundary-scanner/no-typescript-files-error.js';
import { ScanPathNotFoundError } from '../../src/boundary-scanner/scan-path-not-found-error.js';
import { scanProject } from '../../src/boundary-scanner/scan-project.js';
import { fixture } from './fixtures.js';

/** `file:line rule` — the part of a finding the fixtures pin down exactly. */
const where = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.rule}`);

describe('scanProject on bad-* fixtures', () => {
  it('entity-param-in-processor: entity-typed parameters of processors and what they call (MikroORM 6 decorators)', () => {
    expect(where(scanProject(fixture('bad-entity-param-in-processor')))).toEqual([
      'src/processors/report.processor.ts:9 entity-param-in-processor', // sandboxed processor file → countOpen(Collection<Task>)
      'src/workers/process-task.ts:11 entity-param-in-processor', // processor by name: Job<TaskJobData> with task: Task inside
      'src/workers/process-task.ts:17 entity-param-in-processor', // Loaded<Task, 'project'>
      'src/workers/summarize.ts:5 entity-param-in-processor', // called from an inline processor: Task
      'src/workers/summarize.ts:9 entity-param-in-processor', // transitively: Ref<Project>
      'src/workers/titles.ts:3 entity-param-in-processor', // Task[]
    ]);
  });

  it('entity-in-job-data: entities in queue.add / addBulk / flows / spawn data (MikroORM 7 defineEntity + EntitySchema)', () => {
    expect(where(scanProject(fixture('bad-entity-in-job-data')))).toEqual([
      'src/producers/enqueue.ts:13 entity-in-job-data', // queue.add('run', task)
      'src/producers/enqueue.ts:14 entity-in-job-data', // { task } shorthand
      'src/producers/enqueue.ts:15 entity-in-job-data', // { owner: project } typed InferEntity<typeof Project>
      'src/producers/enqueue.ts:16 entity-in-job-data', // addBulk data array element, EntitySchema<ITag>
      'src/producers/enqueue.ts:18 entity-in-job-data', // local object literal holding an entity
      'src/producers/enqueue.ts:19 entity-in-job-data', // FlowProducer child data
      'src/producers/enqueue.ts:20 entity-in-job-data', // spawn(..., { ...task })
    ]);
  });

  it('orm-import-in-worker: worker modules loading @mikro-orm or entity modules, directly or transitively', () => {
    const findings = scanProject(fixture('bad-orm-import-in-worker'));
    expect(where(findings)).toEqual([
      'src/queues/maintenance.ts:2 orm-import-in-worker', // new Worker outside workers/ → lib/db.ts → @mikro-orm/postgresql
      'src/workers/direct.ts:1 orm-import-in-worker', // @mikro-orm/core directly
      'src/workers/title.worker.ts:4 orm-import-in-worker', // lib/format.js → entities/index.ts → task.entity.ts
    ]);
    expect(findings[2]?.message).toContain('via src/lib/format.ts → src/entities/index.ts');
  });

  it('global-em-in-processor: orm.em without fork() in processors and their callees (MikroORM 6 decorators)', () => {
    expect(where(scanProject(fixture('bad-global-em-in-processor')))).toEqual([
      'src/outbox/cleanup.processor.ts:11 global-em-in-processor', // deps.orm.em in a processor factory
      'src/outbox/mark-dispatched.ts:4 global-em-in-processor', // const { em } = orm, in a callee
      'src/outbox/relay.worker.ts:7 global-em-in-processor', // orm.em in an inline processor
      'src/outbox/retention.worker.ts:14 global-em-in-processor', // this.db.em (db: MikroORM) in a bound method
    ]);
  });

  it('unpopulated-relation-access: reads through relations the same function did not populate (both styles)', () => {
    expect(where(scanProject(fixture('bad-unpopulated-relation-access')))).toEqual([
      'src/producers/read-tasks.ts:8 unpopulated-relation-access', // findOneOrFail, no populate, .$
      'src/producers/read-tasks.ts:15 unpopulated-relation-access', // populate lists another relation
      'src/producers/read-tasks.ts:20 unpopulated-relation-access', // find + .map callback
      'src/producers/read-tasks.ts:25 unpopulated-relation-access', // repository findAll + for…of
      'src/producers/read-tasks.ts:32 unpopulated-relation-access', // 1:m collection
    ]);
  });

  it('writes one-line messages that name the fix', () => {
    const findings = ['entity-param-in-processor', 'entity-in-job-data', 'orm-import-in-worker', 'global-em-in-processor', 'unpopulated-relation-access']
      .flatMap((rule) => scanProject(fixture(`bad-${rule}`)));
    for (const finding of findings) {
      expect(finding.message).not.toMatch(/\n/);
      expect(finding.message).toMatch(/DTO|fork\(\)|populate|import only/);
    }
    expect(findings.find((f) => f.rule === 'unpopulated-relation-access')?.message).toContain("populate: ['motivationalState']");
  });
});

describe('scanProject on corrected fixtures', () => {
  it.each(['clean-v6-decorators', 'clean-v7-define-entity'])('%s has no findings', (name) => {
    expect(scanProject(fixture(name))).toEqual([]);
  });
});

describe('scanProject input errors', () => {
  it('throws ScanPathNotFoundError for a missing path', () => {
    expect(() => scanProject(fixture('does-not-exist'))).toThrow(ScanPathNotFoundError);
  });

  it('throws NoTypeScriptFilesError when only node_modules, dist and .d.ts files hold TypeScript', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-empty-'));
    try {
      for (const sub of ['node_modules/pkg', 'dist']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules/pkg/index.ts'), 'export const x = 1;\n');
      fs.writeFileSync(path.join(dir, 'dist/index.ts'), 'export const x = 1;\n');
      fs.writeFileSync(path.join(dir, 'types.d.ts'), 'export declare const x: number;\n');
      expect(() => scanProject(dir)).toThrow(NoTypeScriptFilesError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
