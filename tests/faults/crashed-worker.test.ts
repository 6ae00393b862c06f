/**
 * A worker process SIGKILLed in the middle of a job. Its lock expires, the
 * job is detected as stalled and runs again on another worker; the run is
 * recorded once, with both starts counted. A job that keeps stalling past
 * NYX_MAX_STALLED_COUNT is dead instead (it may be what kills workers), and
 * so is a job BullMQ itself fails for stalling, without our processor.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { stopChild } from '../../src/tools/demo/worker-pool.js';
import { WORKFLOW_QUEUE } from '../../src/dto/index.js';
import { outcomesInResultsQueue } from '../support/results-queue.js';
import { SHARED_REDIS_URL } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';
import { dispatchByHand, injectRawJob } from './support/raw-jobs.js';

describe('crashed workers', () => {
  let h: FaultHarness;

  afterEach(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      await h.close();
    }
  });

  /** Every outcome of the run the workers sent. */
  async function outcomesSentFor(runId: string) {
    const outcomes = await outcomesInResultsQueue(h.prefix, ['completed', 'waiting', 'active', 'failed', 'delayed']);
    return outcomes.filter((outcome) => outcome.runId === runId);
  }

  /** Spawns a slow run, waits until worker A runs it, SIGKILLs A. */
  async function killWorkerMidJob(): Promise<{ runId: string; killedPid: number }> {
    const a = await h.startWorker();
    const [runId] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1_500 } });
    await waitFor('worker A to run the job', async () => (await h.workflows.getJob(runId!))?.processedOn !== undefined, 30_000, 20);
    expect(await (await h.workflows.getJob(runId!))!.getState()).toBe('active');
    await stopChild(a, 'SIGKILL');
    return { runId: runId!, killedPid: a.pid! };
  }

  it('runs a job again on another worker when its worker is SIGKILLed, and records it once', async () => {
    h = await FaultHarness.open('crash');
    const { runId, killedPid } = await killWorkerMidJob();
    const b = await h.startWorker();

    await waitFor('the run to complete on worker B', async () => (await h.run(runId))?.status === 'completed', 30_000);
    const run = (await h.run(runId))!;
    // Two starts: the one cut short by SIGKILL, and the one that finished.
    expect(run.attempts).toBe(2);
    expect(run.result).toEqual({ sleptMs: 1_500, attempt: 2, runId, pid: b.pid });
    expect(b.pid).not.toBe(killedPid);
    const job = (await h.workflows.getJob(runId))!;
    expect(job.stalledCounter).toBe(1);
    expect(await job.getState()).toBe('completed');
    // One outcome was reported (the killed worker never got to report one).
    // Worker A died before reporting anything: the only outcome ever sent is B's.
    expect((await outcomesSentFor(runId)).map((o) => [o.kind, o.attempt])).toEqual([['completed', 2]]);
    await stopChild(b, 'SIGTERM');
  });

  it('makes a run dead when its job stalls more often than NYX_MAX_STALLED_COUNT', async () => {
    h = await FaultHarness.open('crash-limit');
    const { runId } = await killWorkerMidJob();
    const b = await h.startWorker({ NYX_MAX_STALLED_COUNT: '0' });

    await waitFor('the run to be dead', async () => (await h.run(runId))?.status === 'dead', 30_000);
    const run = (await h.run(runId))!;
    expect(run.attempts).toBe(1);
    expect(run.error).toMatch(/^stalled too often \(1\): StalledTooOftenError: job .* stalled 1 times \(limit 0\)/);
    const letter = await waitFor('its dead letter', () => h.deadLetter(runId));
    expect(letter).toMatchObject({ reason: 'stalled too often (1)', workflow: 'test-sleep', attemptsMade: 1 });
    await stopChild(b, 'SIGTERM');
  });

  it('reports a job BullMQ fails for stalling without running our processor', async () => {
    // A queued run whose job stalled past BullMQ's own limit while no worker
    // of ours saw it: BullMQ marks such a job and fails it on the next fetch.
    h = await FaultHarness.open('crash-bullmq', { relay: false });
    const [taskId] = await h.seed({ motivationType: 'test-sleep', metadata: { sleepMs: 10 } });
    const [spawned] = await h.cp.spawn([taskId!]);
    const [row] = await dispatchByHand(h.cp.em());
    await injectRawJob(SHARED_REDIS_URL, h.prefix, WORKFLOW_QUEUE, spawned!.runId, {
      data: JSON.stringify(row!.payload),
      extra: { stc: '9', ats: '9', defa: 'job stalled more than allowable limit' },
    });
    const b = await h.startWorker();

    await waitFor('the run to be dead', async () => (await h.run(spawned!.runId))?.status === 'dead', 30_000);
    const run = (await h.run(spawned!.runId))!;
    expect(run.error).toBe('stalled too often (9): UnrecoverableError: job stalled more than allowable limit');
    const letter = await waitFor('its dead letter', () => h.deadLetter(spawned!.runId));
    expect(letter).toMatchObject({ reason: 'stalled too often (9)', taskId, workflow: 'test-sleep', attemptsStarted: 10 });
    expect(await (await h.workflows.getJob(spawned!.runId))!.getState()).toBe('failed');
    await stopChild(b, 'SIGTERM');
  });
});
