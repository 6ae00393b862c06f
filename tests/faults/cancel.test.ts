/**
 * Cancel and operator fail in each state, with real worker processes: a
 * pending run is never dispatched, a queued run's job is removed, a running
 * run on a worker in another process has its ctx.signal aborted within 2 s
 * and ends cancelled, never retried and with no dead letter. Whoever commits
 * first wins: a completed run stays completed, a cancelled run whose
 * workflow still returns stays cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

const run = promisify(execFile);

describe('cancel and operator fail', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    // The relay is driven by hand, so each run can be caught in the state it is cancelled in.
    h = await FaultHarness.open('cancel', { relay: false, config: { NYX_JOB_ATTEMPTS: '3', NYX_BACKOFF_MS: '50' } });
  });

  afterAll(async () => {
    await h?.close();
  });

  const status = async (runId: string) => (await h.run(runId))?.status;
  const jobState = async (runId: string) => (await (await h.workflows.getJob(runId))?.getState()) ?? null;

  it('cancels a pending run: it is never dispatched', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-sleep' });
    expect(await status(runId!)).toBe('pending');
    const result = await h.cp.cancel([runId!]);
    expect(result).toMatchObject({ stopped: [{ runId, status: 'pending' }], alreadyFinal: [], unknown: [] });
    await h.relayNow();
    expect(await h.workflows.getJob(runId!)).toBeUndefined();
    const cancelled = (await h.run(runId!))!;
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'cancelled by an operator', attempts: 0 });
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    expect((await h.cp.outboxLag()).pending).toBe(0);
  });

  it('cancels a queued run: its job is removed from Redis', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-sleep' });
    await h.relayNow();
    expect(await status(runId!)).toBe('queued');
    expect(await jobState(runId!)).toBe('waiting');
    await h.cp.cancel([runId!], { reason: 'not needed' });
    expect(await h.workflows.getJob(runId!)).toBeUndefined();
    expect(await h.run(runId!)).toMatchObject({ status: 'cancelled', error: 'cancelled by an operator: not needed' });
  });

  it('aborts a running run on a worker in another process within 2 s; it ends cancelled, never retried', async () => {
    await h.startWorker({ NYX_STOP_POLL_MS: '500' });
    const [runId] = await h.spawn({ motivationType: 'test-until-stopped' });
    await h.relayNow();
    await waitFor('the job to be active', async () => (await jobState(runId!)) === 'active');
    await h.cp.cancel([runId!]);
    expect(await status(runId!)).toBe('cancelled');
    // The workflow stops on ctx.signal and its job fails, unrecoverable: within 2 s of the cancel.
    await waitFor('the attempt to stop', async () => (await jobState(runId!)) === 'failed', 2_000, 25);
    const job = (await h.workflows.getJob(runId!))!;
    expect(job.failedReason).toBe(`run ${runId} was cancelled by an operator`);
    // Never retried: one attempt, the run stays cancelled, no dead letter.
    await new Promise((r) => setTimeout(r, 500));
    expect((await h.workflows.getJob(runId!))!.attemptsStarted).toBe(1);
    expect(await h.run(runId!)).toMatchObject({ status: 'cancelled', error: 'cancelled by an operator', result: null });
    expect(await h.deadLetter(runId!)).toBeNull();
  });

  it('fails a running run by hand (nyx runs fail), the same way', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-until-stopped' });
    await h.relayNow();
    await waitFor('the job to be active', async () => (await jobState(runId!)) === 'active');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'runs', 'fail', runId!, '--reason', 'bad input data'], {
      env: { ...process.env, DATABASE_URL: h.db.url, REDIS_URL: h.workerEnv().REDIS_URL, NYX_QUEUE_PREFIX: h.prefix, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toBe(`failed\t${runId}\t(was queued)\n`);
    expect(await h.run(runId!)).toMatchObject({ status: 'failed', error: 'failed by an operator: bad input data' });
    await waitFor('the attempt to stop', async () => (await jobState(runId!)) === 'failed', 2_000, 25);
    expect((await h.workflows.getJob(runId!))!.failedReason).toBe(`run ${runId} was failed by an operator`);
    expect(await h.deadLetter(runId!)).toBeNull();
  });

  it('keeps the first final status: a completed run stays completed, a cancelled one ignores a late result', async () => {
    const [done] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 10 } });
    await h.relayNow();
    await waitFor('the run to complete', async () => (await status(done!)) === 'completed');
    expect(await h.cp.cancel([done!])).toMatchObject({ stopped: [], alreadyFinal: [{ runId: done, status: 'completed' }] });
    expect(await status(done!)).toBe('completed');

    // A workflow that ignores the signal and returns 300 ms later, inside the grace period.
    const [late] = await h.spawn({ motivationType: 'test-until-stopped', metadata: { honorAbort: false, sleepMs: 300 } });
    await h.relayNow();
    await waitFor('the job to be active', async () => (await jobState(late!)) === 'active');
    await h.cp.cancel([late!]);
    await waitFor('the job to end', async () => ['failed', 'completed'].includes((await jobState(late!)) ?? ''), 5_000, 25);
    await new Promise((r) => setTimeout(r, 300)); // time for an outcome to be recorded, if one were sent
    expect(await h.run(late!)).toMatchObject({ status: 'cancelled', result: null });
  });

  it('refuses ids that are not run ids, and names unknown ones', async () => {
    await expect(h.cp.cancel(['nope'])).rejects.toThrow('not a run id (uuid): "nope"');
    const unknown = crypto.randomUUID();
    expect(await h.cp.cancel([unknown])).toEqual({ stopped: [], alreadyFinal: [], unknown: [unknown] });
  });
});
