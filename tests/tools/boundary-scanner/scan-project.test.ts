import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Finding } from '../../../src/tools/boundary-scanner/finding.js';
import { NoTypeScriptFilesError } from '../../../src/tools/boundary-scanner/no-typescript-files-error.js';
import { ScanPathNotFoundError } from '../../../src/tools/boundary-scanner/scan-path-not-found-error.js';
import { runScan, scanProject } from '../../../src/tools/boundary-scanner/scan-project.js';
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
    const findings = [
      'entity-param-in-processor',
      'entity-in-job-data',
      'orm-import-in-worker',
      'global-em-in-processor',
      'unpopulated-relation-access',
    ].flatMap((rule) => scanProject(fixture(`bad-${rule}`)));
    for (const finding of findings) {
      expect(finding.message).not.toMatch(/\n/);
      expect(finding.message).toMatch(/DTO|fork\(\)|populate|import only/);
    }
    expect(findings.find((f) => f.rule === 'unpopulated-relation-access')?.message).toContain("populate: ['motivationalState']");
  });
});

/** `file:line severity rule`, for fixtures where defects and policy findings mix. */
const graded = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.rule}`);

describe('scanProject on NestJS-style projects (bad-nestjs-processors and its corrected twin)', () => {
  const defects = [
    'src/app.module.ts:8 error allow-global-context', // MikroOrmModule.forRoot({ allowGlobalContext: true })
    'src/crawl/crawl.processor.ts:20 error global-em-in-processor', // @Processor + WorkerHost.process(): injected this.em
    'src/crawl/crawl.processor.ts:27 error global-em-in-processor', // @OnWorkerEvent('failed') handler
    'src/crawl/page.service.ts:15 error global-em-in-processor', // @InjectRepository repository, in a service the processor calls
    'src/crawl/page.service.ts:18 error global-em-in-processor', // injected EntityManager in that service: flush()
    'src/database/database.module.ts:14 error allow-global-context', // forRootAsync useFactory returning the config
    'src/digest/digest.processor.ts:8 error entity-param-in-processor', // Job<{ article: Article }> in a processor with no em
    'src/digest/digest.processor.ts:12 error entity-param-in-processor', // ... and the helper method it calls
    'src/indexer/main.ts:7 error allow-global-context', // MikroORM.init({ ...config, allowGlobalContext: true }) in a worker entry
    'src/indexer/main.ts:11 error global-em-in-processor', // processor passed to a helper wrapping new Worker, outside workers/
    'src/legacy/cleanup.js:6 error global-em-in-processor', // plain JavaScript, require('bullmq')
    'src/mail/mail.processor.ts:17 error global-em-in-processor', // @nestjs/bull @Process method: this.orm.em
    'src/mail/mail.processor.ts:23 error global-em-in-processor', // @OnQueueFailed handler: custom repository class
    'src/mikro-orm.config.ts:8 error allow-global-context', // defineConfig
  ];
  const policy = [
    'src/crawl/crawl.processor.ts:1 warning orm-import-in-worker',
    'src/crawl/crawl.processor.ts:5 warning orm-import-in-worker',
    'src/crawl/crawl.processor.ts:6 warning orm-import-in-worker',
    // An entity parameter where the processor has its own em: the entity may be its own, so policy.
    'src/crawl/page.service.ts:21 warning entity-param-in-processor',
    'src/indexer/main.ts:1 warning orm-import-in-worker',
    'src/indexer/main.ts:2 warning orm-import-in-worker',
    'src/indexer/main.ts:3 warning orm-import-in-worker',
    'src/legacy/cleanup.js:2 warning orm-import-in-worker',
    'src/mail/mail.processor.ts:1 warning orm-import-in-worker',
    'src/mail/mail.processor.ts:4 warning orm-import-in-worker',
    'src/mail/mail.processor.ts:5 warning orm-import-in-worker',
  ];

  it('finds every planted defect at its line, and marks ORM imports of in-process processors as policy warnings', () => {
    const findings = scanProject(fixture('bad-nestjs-processors'));
    expect(graded(findings.filter((f) => f.kind === 'defect'))).toEqual(defects);
    expect(graded(findings.filter((f) => f.kind === 'policy'))).toEqual(policy);
  });

  it('does not take a Nest module in a processors/ folder for worker code, nor flag a one-off script', () => {
    const files = scanProject(fixture('bad-nestjs-processors')).map((f) => f.file);
    expect(files).not.toContain('src/processors/processors.module.ts');
    expect(files).not.toContain('src/scripts/backfill.ts');
  });

  it('the corrected twin (@CreateRequestContext, RequestContext.create, em.fork(), no allowGlobalContext) has no defects', () => {
    const findings = scanProject(fixture('clean-nestjs-processors'));
    expect(findings.filter((f) => f.kind === 'defect')).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.rule === 'orm-import-in-worker' && f.severity === 'warning')).toBe(true);
    expect(findings.map((f) => f.file)).not.toContain('test/setup.ts'); // allowGlobalContext in a test setup is fine
  });

  it('--strict makes policy findings errors', () => {
    const findings = scanProject(fixture('clean-nestjs-processors'), { strict: true });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === 'error' && f.kind === 'policy')).toBe(true);
  });

  it('names the fix in the new messages', () => {
    const findings = scanProject(fixture('bad-nestjs-processors'));
    const injected = findings.find((f) => f.file === 'src/crawl/page.service.ts' && f.line === 15);
    expect(injected?.message).toContain('`this.articles.findOneOrFail` uses an injected EntityManager/repository');
    expect(injected?.message).toContain('@CreateRequestContext()');
    expect(findings.find((f) => f.file === 'src/database/database.module.ts')?.message).toContain('MikroOrmModule.forRootAsync() useFactory');
  });
});

describe('runScan summary', () => {
  it('counts files by extension, entities, processors by kind and findings by severity', () => {
    const { summary } = runScan(fixture('bad-nestjs-processors'));
    expect(summary).toMatchObject({
      files: 16,
      filesByExtension: { '.ts': 14, '.js': 2 },
      entities: 2,
      processors: 7,
      processorsBySource: { nestjs: 5, 'bullmq-worker': 1, 'worker-helper': 1 },
      errors: 14,
      warnings: 11,
      strict: false,
    });
  });
});

describe('scanProject on corrected fixtures', () => {
  it.each(['clean-v6-decorators', 'clean-v7-define-entity'])('%s has no findings', (name) => {
    expect(scanProject(fixture(name))).toEqual([]);
  });
});

/** Writes `files` (path → text) into a fresh temp project and scans it. */
function scanFiles(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-project-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return runScan(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('processor discovery across a monorepo and in JSX', () => {
  it('follows a worker helper imported through a workspace package name', () => {
    const { findings, summary } = scanFiles({
      'lib/queue/src/index.ts': [
        "import { Worker, type Processor } from 'bullmq';",
        'export const createWorkerForQueue = (queue: string, processor: Processor) => new Worker(queue, processor);',
      ].join('\n'),
      'notifier/src/main.ts': [
        "import { createWorkerForQueue } from '@acme/queue';",
        "import type { MikroORM } from '@mikro-orm/core';",
        'declare const orm: MikroORM;',
        "createWorkerForQueue('notify', async () => {",
        '  await orm.em.flush();',
        '});',
      ].join('\n'),
    });
    expect(summary.processorsBySource).toEqual({ 'worker-helper': 1 });
    expect(where(findings)).toEqual(['notifier/src/main.ts:5 global-em-in-processor']);
  });

  it("knows entities imported from the monorepo's own packages by package name, not from npm packages", () => {
    const { findings } = scanFiles({
      'packages/database/package.json': '{ "name": "@acme/database" }',
      'packages/database/src/user.entity.ts': [
        "import { Entity, PrimaryKey } from '@mikro-orm/core';",
        '@Entity() export class User { @PrimaryKey() id!: number; }',
      ].join('\n'),
      'apps/mailer/main.ts': [
        "import { Worker } from 'bullmq';",
        "import type { User } from '@acme/database';",
        "import type { User as AuthUser } from 'auth-lib';",
        'function greet(user: User) { return user.id; }',
        'function greetAuth(user: AuthUser) { return user; }',
        "export const worker = new Worker('mail', async (job) => [greet(job.data), greetAuth(job.data)]);",
      ].join('\n'),
    });
    expect(where(findings)).toEqual(['apps/mailer/main.ts:4 entity-param-in-processor']);
  });

  it('follows a call through an interface to the project classes implementing it (NestJS token injection)', () => {
    const { findings } = scanFiles({
      'core/recorder.ts': 'export interface ActivityRecorder { record(event: string): Promise<void>; }',
      'admin/recorder.service.ts': [
        "import { EntityManager } from '@mikro-orm/mongodb';",
        "import { Injectable } from '@nestjs/common';",
        "import type { ActivityRecorder } from '@acme/core';",
        '@Injectable()',
        'export class RecorderService implements ActivityRecorder {',
        '  constructor(private readonly em: EntityManager) {}',
        '  async record(event: string) {',
        '    await this.em.persistAndFlush({ event });',
        '  }',
        '}',
      ].join('\n'),
      'crawler/crawl.processor.ts': [
        "import { Processor, WorkerHost } from '@nestjs/bullmq';",
        "import { Inject } from '@nestjs/common';",
        "import type { ActivityRecorder } from '@acme/core';",
        "@Processor('crawl')",
        'export class CrawlProcessor extends WorkerHost {',
        "  constructor(@Inject('RECORDER') private readonly recorder: ActivityRecorder) { super(); }",
        '  async process() {',
        "    await this.recorder.record('crawled');",
        '  }',
        '}',
      ].join('\n'),
    });
    expect(where(findings.filter((f) => f.kind === 'defect'))).toEqual(['admin/recorder.service.ts:8 global-em-in-processor']);
  });

  it('reads a .tsx template a processor renders, and skips UI components nothing back-end imports', () => {
    const { findings, summary } = scanFiles({
      'src/mail.worker.ts': [
        "import { Worker } from 'bullmq';",
        "import { renderWelcome } from './welcome.js';",
        "export const worker = new Worker('mail', async (job) => renderWelcome(job.data.user));",
      ].join('\n'),
      'src/welcome.tsx': ["import type { User } from './user.entity.js';", 'export function renderWelcome(user: User) { return <p>{user.name}</p>; }'].join(
        '\n',
      ),
      'src/user.entity.ts': [
        "import { Entity, PrimaryKey, Property } from '@mikro-orm/core';",
        '@Entity() export class User { @PrimaryKey() id!: number; @Property() name!: string; }',
      ].join('\n'),
      'admin/button.tsx': 'export const Button = () => <button />;',
    });
    expect(where(findings)).toEqual(['src/welcome.tsx:2 entity-param-in-processor']);
    expect(summary.filesByExtension).toEqual({ '.ts': 2, '.tsx': 1 });
    expect(summary.skippedJsx).toBe(1);
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
