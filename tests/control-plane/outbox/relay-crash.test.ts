/**
 * A relay SIGKILLed after addBulk but before it marked the rows: the rows are
 * still undispatched (its transaction died with it) while the jobs are in
 * Redis. After a restart the rows go out again, the job id makes that a no-op,
 * and every run executes once and is recorded once.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { ControlPlane } from '../../../src/control-plane/control-plane.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { WORKFLOW_QUEUE } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { silentLog, testConfig } from '../../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { outcomesInResultsQueue } from '../../support/results-queue.js';
import { waitFor } from '../../support/wait-for.js';

const CRASHING_RELAY = fileURLToPath(new URL('../../fixtures/relay/crash-after-add.ts', import.meta.url));

describe('relay killed between addBulk and marking the rows', () => {
  const prefix = uniquePrefix('crash');
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane | undefined;
  let pool: WorkerPool | undefined;
  const queues: Queue[] = [];

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await Promise.all(queues.map((q) => q.close()));
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('re-sends after restart, and no run executes twice in effect', async () => {
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix });
    cp = await ControlPlane.open({ config, redisUrl: SHARED_REDIS_URL, log: silentLog, orm });
    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 25 }));

    const child = fork(CRASHING_RELAY, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const added = await new Promise<number>((resolve, reject) => {
      child.on('message', (m: { type: string; count: number }) => m.type === 'added' && resolve(m.count));
      child.once('exit', (code) => reject(new Error(`relay exited (${code}) before addBulk`)));
    });
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(added).toBe(25);

    // The jobs are in Redis, yet the outbox still holds every row as undispatched.
    const workflows = new Queue(WORKFLOW_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    queues.push(workflows);
    expect(await workflows.getJobCountByTypes('wait', 'prioritized')).toBe(25);
    await waitFor('the dead relay to release its row locks', async () => (await cp!.outboxLag()).pending === 25);

    // Restart: relay + recorder + a worker.
    await cp.start();
    pool = await WorkerPool.start({ count: 1, env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' } });
    await waitFor('outbox drained', async () => (await cp!.outboxLag()).pending === 0);
    await waitFor('all runs completed', async () => (await orm.em.fork().count(WorkflowRun, { status: 'completed' })) === 25);

    // Exactly one job per run ever existed, and each ran once.
    const counts = await workflows.getJobCounts('completed', 'wait', 'active', 'failed', 'prioritized', 'delayed');
    expect(counts).toEqual({ completed: 25, wait: 0, active: 0, failed: 0, prioritized: 0, delayed: 0 });
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(recorded.map((r) => [r.status, r.attempts])).toEqual(runs.map(() => ['completed', 1]));
    await waitFor('results acknowledged', async () => (await outcomesInResultsQueue(prefix, ['completed'])).length === 25);
  });
});
