/**
 * Redis full: a private redis-server at `maxmemory` with `noeviction` for
 * 10 s in the middle of a run refuses every write — results, dead letters,
 * job moves. Workers keep the jobs whose outcome they cannot report and try
 * again (outcome-reporter.ts); once the limit is lifted every run completes,
 * recorded once.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPrivateRedis } from '../../src/tools/demo/ensure-redis.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

const RUNS = 1_500;

describe('Redis at maxmemory with noeviction', () => {
  let harness: FaultHarness | undefined;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  let admin: Redis | undefined;

  afterAll(async () => {
    admin?.disconnect();
    await harness?.close();
    await redis?.stop();
  });

  it('loses no run: every run completes once the limit is lifted', async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
    harness = await FaultHarness.open('maxmemory', { redisUrl: redis.url });
    const count = (status: string) => harness!.orm.em.fork().count(WorkflowRun, { status: status as WorkflowRun['status'] });
    const runIds = await harness.spawn({ motivationType: 'test-sleep', count: RUNS, metadata: { sleepMs: 30 } });
    await waitFor('every run in Redis', async () => (await count('queued')) === RUNS, 60_000);
    // Locks outlast the outage: a job whose report waits is not taken for stalled meanwhile.
    await harness.startWorker({ NYX_WORKER_CONCURRENCY: '50', NYX_LOCK_DURATION_MS: '30000', NYX_STALLED_INTERVAL_MS: '30000' });
    await waitFor('some runs recorded', async () => (await count('completed')) >= 50, 60_000, 20);

    const usedMemory = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', String(Math.floor(usedMemory / 2)));
    await expect(admin.set('probe', 'x')).rejects.toThrow(/OOM/);
    const duringOutage = await count('completed');
    await sleep(10_000);
    await admin.config('SET', 'maxmemory', '0');

    expect(duringOutage).toBeLessThan(RUNS);
    await waitFor('every run completed', async () => (await count('completed')) === RUNS, 90_000, 250);
    const runs = await harness.orm.em.fork().find(WorkflowRun, { id: { $in: runIds } });
    expect(runs.filter((run) => run.status !== 'completed')).toEqual([]);
    await harness.expectNothingLeftBehind();
  }, 180_000);
});
