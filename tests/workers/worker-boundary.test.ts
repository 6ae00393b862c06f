/**
 * A real worker process runs a job and never loads the ORM: the list of
 * modules it resolved (reported on exit) contains BullMQ, zod and the
 * workflows, and nothing of @mikro-orm, pg or the entities. And the guard
 * refuses such an import outright.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { stopChild, WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { WORKFLOW_QUEUE, wrapTaskSpawnContext } from '../../src/dto/index.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

const IMPORT_FORBIDDEN = fileURLToPath(new URL('../fixtures/workers/import-forbidden.ts', import.meta.url));

describe('worker process boundary', () => {
  const prefix = uniquePrefix('boundary');
  let queue: Queue | undefined;

  afterAll(async () => {
    await queue?.close();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('runs a workflow without loading @mikro-orm, pg or the entities', async () => {
    const report = path.join(mkdtempSync(path.join(tmpdir(), 'nyx-modules-')), 'modules.json');
    const pool = await WorkerPool.start({
      count: 1,
      env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', NYX_REPORT_MODULES_TO: report },
    });
    queue = new Queue(WORKFLOW_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    const payload = wrapTaskSpawnContext({
      taskId: '9d2f4a1b-1c3d-4e5f-8a7b-6c5d4e3f2a1b',
      generatedPrompt: 'Investigate why the build cache misses on Mondays.',
      motivationType: 'curiosity',
      intensity: 0.6,
      priority: 1,
      arbitrationScore: 0.5,
      createdAt: new Date(),
    });
    const job = await queue.add('spawn', payload, { jobId: 'e0c1f4a6-3b2d-4c5e-9f8a-7b6c5d4e3f2a' });
    await waitFor('the job to complete', async () => (await job.getState()) === 'completed');
    await stopChild(pool.processes[0]!, 'SIGTERM');

    const modules: string[] = JSON.parse(readFileSync(report, 'utf8'));
    // Positive controls: the list is real and covers the job's path.
    expect(modules.some((url) => url.includes('/node_modules/bullmq/'))).toBe(true);
    expect(modules.some((url) => url.includes('/node_modules/zod/'))).toBe(true);
    expect(modules.some((url) => url.endsWith('/src/workers/workflows/keywords.workflow.ts'))).toBe(true);
    // The boundary.
    expect(modules.filter((url) => /@mikro-orm|\/node_modules\/pg\/|\/src\/(control-plane|producers)\//.test(url))).toEqual([]);
  });

  it.each([['@mikro-orm/core'], ['pg'], ['../../../src/control-plane/entities/index.js']])('refuses to load %s in a worker process', (specifier) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', IMPORT_FORBIDDEN, specifier], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('loaded');
    expect(result.stderr).toContain(`worker processes must not load "${specifier}"`);
  });

  it("lets a worker load an application's own src/control-plane/db module (only nyx's control-plane folders are refused)", () => {
    // Relative to the fixture, like the refused specifiers above.
    const result = spawnSync(process.execPath, ['--import', 'tsx', IMPORT_FORBIDDEN, './app/src/db/own-module.js'], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain('loaded');
  });
});
