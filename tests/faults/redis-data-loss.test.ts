/**
 * PostgreSQL is the truth when Redis loses its data. Against a private
 * redis-server (no persistence, as the machines here run it): thousands of
 * runs wait in Redis and some are active when Redis is killed and restarted
 * empty, or flushed; the reconciler notices the loss (its marker key is gone)
 * and sends every lost run again under the same run id; every run ends
 * completed, recorded once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { ControlPlane } from '../../src/control-plane/control-plane.js';
import { startPrivateRedis } from '../../src/tools/demo/ensure-redis.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

const RUNS = 3_000;
const RECONCILER = { NYX_RECONCILE_GRACE_MS: '3000', NYX_RECONCILE_INTERVAL_MS: '1000', NYX_RECONCILE_MARKER_CHECK_MS: '200' };

type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;

describe('Redis loses its data', () => {
  let harness: FaultHarness | undefined;
  let redis: PrivateRedis | undefined;
  let second: ControlPlane | undefined;

  afterEach(async () => {
    await second?.close();
    second = undefined;
    await harness?.close();
    await redis?.stop();
    harness = undefined;
    redis = undefined;
  });

  const count = (status: string) => harness!.orm.em.fork().count(WorkflowRun, { status: status as WorkflowRun['status'] });

  /** Spawns RUNS sleeping runs, waits until all are in Redis and a worker is busy with some; returns the run ids. */
  async function fillRedis(): Promise<string[]> {
    redis = await startPrivateRedis();
    harness = await FaultHarness.open('data-loss', { redisUrl: redis.url, config: RECONCILER });
    const runIds = await harness.spawn({ motivationType: 'test-sleep', count: RUNS, metadata: { sleepMs: 20 } });
    await waitFor('every run in Redis', async () => (await count('queued')) === RUNS, 60_000);
    await harness.startWorker({ NYX_WORKER_CONCURRENCY: '50' });
    await waitFor('a worker busy with runs', async () => (await harness!.workflows.getActiveCount()) > 0 || (await count('completed')) > 0, 30_000, 20);
    return runIds;
  }

  async function expectEveryRunCompletedOnce(runIds: string[]): Promise<void> {
    await waitFor('every run completed', async () => (await count('completed')) === RUNS, 90_000, 250);
    const runs = await harness!.orm.em.fork().find(WorkflowRun, { id: { $in: runIds } });
    expect(runs).toHaveLength(RUNS);
    expect(runs.filter((run) => run.status !== 'completed')).toEqual([]);
    expect(harness!.cp.stats().dataLossDetected).toBeGreaterThanOrEqual(1);
    expect(harness!.cp.stats().reconciled).toBeGreaterThan(0);
    expect(harness!.cp.stats().reconciled).toBeLessThanOrEqual(RUNS);
    await harness!.expectNothingLeftBehind();
  }

  it('re-sends every lost run when Redis is killed and restarts empty', async () => {
    const runIds = await fillRedis();
    const completedBefore = await count('completed');
    redis!.process.kill('SIGKILL');
    await new Promise((resolve) => redis!.process.once('exit', resolve));
    redis = await startPrivateRedis(redis!.port);
    await waitFor('the reconciler to notice the loss', () => harness!.cp.stats().dataLossDetected >= 1, 30_000, 50);
    // Every run not recorded before the kill had its job in the lost data.
    expect(completedBefore).toBeLessThan(RUNS);
    await expectEveryRunCompletedOnce(runIds);
  }, 150_000);

  it('re-sends every lost run after FLUSHDB', async () => {
    const runIds = await fillRedis();
    const client = new Redis(redis!.url);
    try {
      await client.flushdb();
    } finally {
      client.disconnect();
    }
    await expectEveryRunCompletedOnce(runIds);
  }, 150_000);

  it('two control planes reconciling at once re-send each lost run once', async () => {
    redis = await startPrivateRedis();
    // Small batches, so the two passes interleave over the same runs; no automatic passes.
    const config = { NYX_RECONCILE_BATCH: '100' };
    harness = await FaultHarness.open('two-reconcilers', { redisUrl: redis.url, config, reconciler: false });
    second = await harness.openSecondControlPlane(config);
    const runIds = await harness.spawn({ motivationType: 'test-sleep', count: RUNS, metadata: { sleepMs: 1 } });
    await waitFor('every run in Redis', async () => (await count('queued')) === RUNS, 60_000);
    const client = new Redis(redis.url);
    try {
      await client.flushdb();
    } finally {
      client.disconnect();
    }
    const now = new Date();
    const passes = await Promise.all([harness.cp.reconcileNow({ sentBefore: now }), second.reconcileNow({ sentBefore: now })]);
    expect(passes[0].resent + passes[1].resent).toBe(RUNS);
    // Statements and round trips grow with batches, not runs.
    for (const pass of passes) expect(pass.redisRoundTrips).toBeLessThanOrEqual(pass.batches);

    await waitFor('every lost run back in Redis', async () => (await harness!.workflows.getJobCountByTypes('wait')) === RUNS, 60_000, 100);
    // A third pass finds nothing to do: every job is there again.
    expect((await second.reconcileNow({ sentBefore: new Date() })).resent).toBe(0);
    await harness.startWorker({ NYX_WORKER_CONCURRENCY: '50' });
    await waitFor('every run completed', async () => (await count('completed')) === RUNS, 90_000, 250);
    const runs = await harness.orm.em.fork().find(WorkflowRun, { id: { $in: runIds } });
    expect(runs.filter((run) => run.status !== 'completed' || run.attempts !== 1)).toEqual([]);
    await harness.expectNothingLeftBehind();
  }, 150_000);
});
