/**
 * The full path on a real 3-master Redis Cluster, with two worker processes:
 * every run recorded once. With one workflow queue all keys share the
 * prefix's hash tag (one slot); with a queue per motivation type each queue
 * has its own tag and the keys spread over the masters.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
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

  afterEach(async () => {
    await pool?.stop();
    await cp?.close();
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
    await cluster?.stop();
  });

  async function runFullPath(env: Record<string, string>, tasks: number): Promise<void> {
    cp = await ControlPlane.open({ config: testConfig({ ...env, DATABASE_URL: db.url }), redisUrl: cluster.url, log: silentLog, orm });
    await cp.start();
    pool = await WorkerPool.start({ count: 2, env: { ...process.env, ...env, REDIS_URL: cluster.url, LOG_LEVEL: 'silent' } });
    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks }));
    const ids = runs.map((r) => r.runId);
    await waitFor('all runs completed', async () => (await orm.em.fork().count(WorkflowRun, { id: { $in: ids }, status: 'completed' })) === tasks, 60_000);
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: ids } });
    expect(recorded.map((r) => [r.status, r.attempts])).toEqual(runs.map(() => ['completed', 1]));
  }

  const keysPerNode = (pattern: string) =>
    cluster.ports.map((port) =>
      spawnSync('redis-cli', ['-p', String(port), '--scan', '--pattern', pattern], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean),
    );

  it('runs the full path with one workflow queue, every key in the prefix slot', async () => {
    await runFullPath({ NYX_QUEUE_PREFIX: 'nyx' }, 60);
    const perNode = keysPerNode('*nyx*');
    expect(perNode.flat().length).toBeGreaterThan(0);
    expect(perNode.flat().every((key) => key.startsWith('{nyx}:'))).toBe(true);
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    // Two worker processes start (tsx) and the wait for completion alone allows 60 s: more than jest's default on a loaded machine.
  }, 120_000);

  it('spreads queues over the masters when routing by motivation type', async () => {
    await runFullPath({ NYX_QUEUE_PREFIX: 'spread', NYX_QUEUE_ROUTING: 'motivation' }, 40);
    const perNode = keysPerNode('spread:*');
    expect(perNode.flat().some((key) => key.startsWith('spread:{workflows-curiosity}:'))).toBe(true);
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    // Two worker processes start (tsx) and the wait for completion alone allows 60 s: more than jest's default on a loaded machine.
  }, 120_000);
});
