/**
 * The full path on a real 3-master Redis Cluster: hash-tagged prefix, two
 * worker processes, every run recorded once.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/db/orm.js';
import { seedTasks } from '../../src/demo/seed.js';
import { WorkerPool } from '../../src/demo/worker-pool.js';
import { WorkflowRun } from '../../src/entities/index.js';
import { startRedisCluster, type TestCluster } from '../support/redis-cluster.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('on a Redis Cluster', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane | undefined;
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    ({ db, orm } = await createMigratedDatabase());
  }, 60_000);

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await cluster?.stop();
  });

  it('runs the full path with two worker processes and records every run once', async () => {
    const config = testConfig({ DATABASE_URL: db.url, REDIS_URL: cluster.url, NYX_QUEUE_PREFIX: 'nyx' });
    cp = await ControlPlane.open({ config, redisUrl: cluster.url, log: silentLog, orm });
    await cp.start();
    pool = await WorkerPool.start({ count: 2, env: { ...process.env, REDIS_URL: cluster.url, NYX_QUEUE_PREFIX: 'nyx', LOG_LEVEL: 'silent' } });

    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 60 }));
    await waitFor('all runs completed', async () => (await orm.em.fork().count(WorkflowRun, { status: 'completed' })) === 60, 60_000);
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(recorded.map((r) => [r.status, r.attempts])).toEqual(runs.map(() => ['completed', 1]));

    // Every key of the deployment sits under the hash tag, so in one slot, on one master.
    const keysPerNode = cluster.ports.map((port) =>
      spawnSync('redis-cli', ['-p', String(port), '--scan', '--pattern', '*'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean),
    );
    const all = keysPerNode.flat();
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((key) => key.startsWith('{nyx}:'))).toBe(true);
    expect(keysPerNode.filter((keys) => keys.length > 0)).toHaveLength(1);
  });
});
