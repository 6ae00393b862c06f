/**
 * Routing by motivation type: each type has its own queue, and a worker
 * takes only the types it was given. Runs of a type no worker takes wait,
 * queued, until one that takes it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

describe('queue routing by motivation type', () => {
  const prefix = uniquePrefix('routing');
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane | undefined;
  const pools: WorkerPool[] = [];

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.stop()));
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('lets a worker take only some motivation types', async () => {
    const env = { NYX_QUEUE_PREFIX: prefix, NYX_QUEUE_ROUTING: 'motivation' };
    cp = await ControlPlane.open({ config: testConfig({ ...env, DATABASE_URL: db.url }), redisUrl: SHARED_REDIS_URL, log: silentLog, orm });
    await cp.start();
    const workerEnv = { ...process.env, ...env, REDIS_URL: SHARED_REDIS_URL, LOG_LEVEL: 'silent' };
    pools.push(await WorkerPool.start({ count: 1, env: { ...workerEnv, NYX_WORKER_MOTIVATIONS: 'curiosity,relatedness' } }));

    // The demo seed cycles curiosity, relatedness, mastery, autonomy.
    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 40 }));
    const byWorkflow = async (status: 'completed' | 'queued') => {
      const found = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) }, status });
      return { keywords: found.filter((r) => r.workflow === 'keywords').length, plan: found.filter((r) => r.workflow === 'plan-steps').length };
    };
    await waitFor('keywords runs completed', async () => (await byWorkflow('completed')).keywords === 20);
    // A result can be recorded before the relay's transaction that marks the batch queued commits.
    await waitFor('plan-steps runs queued', async () => (await byWorkflow('queued')).plan === 20);
    expect(await byWorkflow('completed')).toEqual({ keywords: 20, plan: 0 });

    pools.push(await WorkerPool.start({ count: 1, env: { ...workerEnv, NYX_WORKER_MOTIVATIONS: 'mastery,autonomy', NYX_QUEUE_CONCURRENCY: 'mastery=2' } }));
    await waitFor('plan-steps runs completed', async () => (await byWorkflow('completed')).plan === 20);
    expect(await byWorkflow('completed')).toEqual({ keywords: 20, plan: 20 });
  });
});
