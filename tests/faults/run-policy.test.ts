/**
 * Per-workflow policy on real worker processes: a workflow's own attempts and
 * backoff reach its job (over NYX_JOB_ATTEMPTS / NYX_BACKOFF_MS), its
 * `timeoutMs` is enforced by the worker (timed out, retried per its policy,
 * then dead), and a workflow that ignores ctx.signal is abandoned after the
 * grace period: its slot goes to the next job, the zombie is counted in
 * Redis, and a worker that reaches NYX_WORKER_MAX_ZOMBIES exits (code 75)
 * once idle.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { RECYCLE_EXIT_CODE } from '../../src/workers/run-worker.js';
import { stopChild } from '../../src/tools/demo/worker-pool.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

describe('per-workflow policy', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await FaultHarness.open('run-policy', { config: { NYX_JOB_ATTEMPTS: '3', NYX_BACKOFF_MS: '50' } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('gives a workflow with attempts: 1 one attempt, whatever NYX_JOB_ATTEMPTS says', async () => {
    const worker = await h.startWorker();
    const [runId] = await h.spawn({ motivationType: 'test-once' });
    await waitFor('the run to be dead', async () => (await h.run(runId!))?.status === 'dead');
    const run = (await h.run(runId!))!;
    expect(run.attempts).toBe(1);
    expect(run.error).toBe('attempts exhausted (1): Error: failed on attempt 1');
    const job = (await h.workflows.getJob(runId!))!;
    expect(job.opts.attempts).toBe(1);
    // A workflow without a policy keeps the defaults.
    const [flakyRun] = await h.spawn({ motivationType: 'test-flaky', metadata: { failAttempts: 0 } });
    await waitFor('the flaky run to complete', async () => (await h.run(flakyRun!))?.status === 'completed');
    expect((await h.workflows.getJob(flakyRun!))!.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 50 } });
    await stopChild(worker, 'SIGTERM');
  });

  it('times out an attempt that honours the signal, retries it per its own policy, then makes it dead', async () => {
    const worker = await h.startWorker();
    const [runId] = await h.spawn({ motivationType: 'test-deadline', metadata: { honorAbort: true } });
    await waitFor('the run to be dead', async () => (await h.run(runId!))?.status === 'dead');
    const run = (await h.run(runId!))!;
    expect(run.attempts).toBe(2);
    expect(run.error).toMatch(/^attempts exhausted \(2\): WorkflowTimeoutError: workflow "test-deadline" run \S+ exceeded its timeoutMs \(400 ms\)$/);
    const job = (await h.workflows.getJob(runId!))!;
    expect(job.opts).toMatchObject({ attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    expect(job.stacktrace?.[0]).toContain('WorkflowTimeoutError');
    // It stopped on the signal: nothing was abandoned.
    expect(await h.cp.zombies()).toEqual({});
    await stopChild(worker, 'SIGTERM');
  });

  it('abandons a workflow that ignores the signal: the worker runs its other jobs, the zombie is counted', async () => {
    const worker = await h.startWorker({ NYX_WORKER_CONCURRENCY: '1', NYX_ABORT_GRACE_MS: '300', NYX_WORKER_MAX_ZOMBIES: '0' });
    const [stuck] = await h.spawn({ motivationType: 'test-deadline', metadata: { sleepMs: 120_000 } });
    const [next] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 10 } });
    // One slot, held by a workflow that sleeps two minutes: the next job runs only if the slot is given back.
    await waitFor('the other job to complete', async () => (await h.run(next!))?.status === 'completed');
    await waitFor('the stuck run to be dead', async () => (await h.run(stuck!))?.status === 'dead');
    const run = (await h.run(stuck!))!;
    expect(run.attempts).toBe(2);
    expect(run.error).toContain('ignored ctx.signal and was abandoned');
    expect(await h.cp.zombies()).toEqual({ 'test-deadline': 2 });
    expect(worker.exitCode).toBeNull();
    await stopChild(worker, 'SIGTERM');
  });

  it('recycles a worker once it has abandoned NYX_WORKER_MAX_ZOMBIES attempts', async () => {
    const worker = await h.startWorker({ NYX_ABORT_GRACE_MS: '300', NYX_WORKER_MAX_ZOMBIES: '2' });
    const exited = once(worker, 'exit');
    const [stuck] = await h.spawn({ motivationType: 'test-deadline', metadata: { sleepMs: 120_000 } });
    const [code] = (await exited) as [number | null];
    expect(code).toBe(RECYCLE_EXIT_CODE);
    expect((await h.run(stuck!))?.status).toBe('dead');
  });

  it('leaves no run behind', async () => {
    await h.expectNothingLeftBehind();
  });
});
