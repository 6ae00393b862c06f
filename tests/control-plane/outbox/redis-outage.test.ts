/**
 * Spawning while Redis is down: spawns succeed (rows wait in the outbox), the
 * relay retries with backoff, and once Redis is back every run is dispatched
 * and recorded exactly once. Uses a private redis-server it stops and restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { ControlPlane } from '../../../src/control-plane/control-plane.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { startPrivateRedis } from '../../../src/tools/demo/ensure-redis.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { WORKFLOW_QUEUE } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { silentLog, testConfig } from '../../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { waitFor } from '../../support/wait-for.js';

describe('Redis outage', () => {
  const prefix = 'nyx-outage';
  let db: TestDatabase;
  let orm: Orm;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let cp: ControlPlane | undefined;
  let pool: WorkerPool | undefined;
  let queue: Queue | undefined;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    redis = await startPrivateRedis();
  });

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await queue?.close();
    await redis?.stop();
    await orm?.close();
    await db?.drop();
  });

  it('keeps spawns in the outbox while Redis is down and dispatches each exactly once after', async () => {
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix });
    cp = await ControlPlane.open({ config, redisUrl: redis.url, log: silentLog, orm });
    await cp.start();
    pool = await WorkerPool.start({ count: 2, env: { ...process.env, REDIS_URL: redis.url, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' } });

    await redis.stop();
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 30 });
    const runs = [...(await cp.spawn(taskIds.slice(0, 15))), ...(await cp.spawn(taskIds.slice(15)))];
    expect(runs).toHaveLength(30);

    await waitFor('the relay to notice Redis is down', () => cp!.stats().relayFailuresInARow >= 2);
    const lag = await cp.outboxLag();
    expect(lag.pending).toBe(30);
    expect(lag.oldestPendingAgeMs).toBeGreaterThan(0);
    expect(await orm.em.fork().count(WorkflowRun, { status: 'pending' })).toBe(30);

    redis = await startPrivateRedis(redis.port);
    await waitFor('all runs completed', async () => (await orm.em.fork().count(WorkflowRun, { status: 'completed' })) === 30, 60_000);

    queue = new Queue(WORKFLOW_QUEUE, { connection: { url: redis.url }, prefix });
    expect(await queue.getJobCountByTypes('completed')).toBe(30);
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(recorded.every((run) => run.status === 'completed' && run.attempts === 1)).toBe(true);
    expect((await cp.outboxLag()).pending).toBe(0);
    expect(cp.stats().relayFailuresInARow).toBe(0);
  });
});
