/**
 * Graceful shutdown. A worker that gets SIGTERM takes no new job, lets the
 * running one finish and exits 0. When the grace period
 * (NYX_SHUTDOWN_TIMEOUT_MS) runs out first, it exits anyway and leaves the job
 * to stalled-job recovery: another worker finishes it, nothing is lost, and
 * the cut-short attempt is not reported as a failure. The control plane's
 * close() lets the relay finish its batch and the recorder write what it took.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { countOutbox } from '../support/outbox-rows.js';
import { outcomesInResultsQueue } from '../support/results-queue.js';
import { SHARED_REDIS_URL } from '../support/test-redis.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { waitFor } from '../support/wait-for.js';
import { faultRegistry, FaultHarness } from './support/fault-harness.js';

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

describe('graceful shutdown', () => {
  let h: FaultHarness;

  afterEach(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      await h.close();
    }
  });

  async function runningOn(runId: string): Promise<void> {
    await waitFor('the job to be running', async () => (await h.workflows.getJob(runId))?.processedOn !== undefined, 30_000, 20);
  }

  it('on SIGTERM, finishes the running job, takes no new one, and exits 0', async () => {
    h = await FaultHarness.open('drain');
    const a = await h.startWorker({ NYX_WORKER_CONCURRENCY: '5', NYX_SHUTDOWN_TIMEOUT_MS: '30000' });
    const [slow] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 3_000 } });
    await runningOn(slow!);

    const stopping = once(a, 'message', { signal: AbortSignal.timeout(10_000) });
    a.kill('SIGTERM');
    const exited = exitOf(a);
    expect((await stopping)[0]).toEqual({ type: 'stopping', pid: a.pid });
    const [late] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } });
    await waitFor('the late job to reach Redis', async () => (await h.workflows.getJobState(late!)) === 'waiting', 10_000, 20);
    expect(a.exitCode).toBeNull();

    expect(await exited).toEqual({ code: 0, signal: null });
    // The worker sent the outcome before it exited; the control plane records it on its own time.
    const run = await waitFor(
      'the slow run to be recorded',
      async () => {
        const found = await h.run(slow!);
        return found?.status === 'completed' ? found : null;
      },
      10_000,
      20,
    );
    expect(run.status).toBe('completed');
    expect(run.attempts).toBe(1);
    expect(run.result).toMatchObject({ pid: a.pid });
    // The stopping worker never took the job that arrived during its drain.
    expect(await h.workflows.getJobState(late!)).toBe('waiting');

    const b = await h.startWorker();
    await waitFor('the late run to complete on another worker', async () => (await h.run(late!))?.status === 'completed');
    expect((await h.run(late!))!.result).toMatchObject({ pid: b.pid, attempt: 1 });
    await exitOf((b.kill('SIGTERM'), b));
  });

  it.each([
    ['ignores', false],
    ['honours', true],
  ])('when the grace period runs out, exits and leaves the job to another worker (workflow %s the abort signal)', async (_, honorAbort) => {
    // One attempt only: a cut-short attempt reported as a failure would make the run dead.
    h = await FaultHarness.open('timeout', { config: { NYX_JOB_ATTEMPTS: '1' } });
    const a = await h.startWorker({ NYX_SHUTDOWN_TIMEOUT_MS: '300' });
    const [runId] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 2_500, honorAbort } });
    await runningOn(runId!);

    a.kill('SIGTERM');
    expect(await exitOf(a)).toEqual({ code: 0, signal: null });
    expect((await h.run(runId!))!.status).toBe('queued');

    const b = await h.startWorker();
    await waitFor('the run to complete on the other worker', async () => (await h.run(runId!))?.status === 'completed', 30_000);
    const run = (await h.run(runId!))!;
    expect(run.result).toMatchObject({ pid: b.pid, sleptMs: 2_500 });
    expect(run.attempts).toBe(2);
    await exitOf((b.kill('SIGTERM'), b));
  });

  it('control plane close(): the relay finishes its batch, the recorder writes every result it took', async () => {
    const batches = { NYX_RELAY_BATCH: '50', NYX_RECORDER_BATCH: '20' };
    h = await FaultHarness.open('cp-close', { start: false, config: batches });
    const em = () => h.orm.em.fork();
    /** Another control plane on the same database and prefix (as after a restart). */
    const openPlane = (parts: { relay?: boolean; recorder?: boolean }) =>
      ControlPlane.open({
        config: testConfig({ DATABASE_URL: h.db.url, NYX_QUEUE_PREFIX: h.prefix, ...batches }),
        redisUrl: SHARED_REDIS_URL,
        log: silentLog,
        orm: h.orm,
        registry: faultRegistry,
        ...parts,
      });

    // Relay: closed mid-stream, every row it marked dispatched is in Redis, and no other.
    await h.cp.start();
    const runIds = await h.spawn({ motivationType: 'noop', count: 600 });
    await waitFor('the relay to have sent some rows', () => h.cp.stats().dispatched > 0, 10_000, 5);
    await h.cp.close();
    const dispatched = await countOutbox(em(), { dispatched: true });
    expect(dispatched % 50).toBe(0);
    expect(await h.workflows.count()).toBe(dispatched);

    // Workers run everything (results pile up in the results queue, nobody records them yet).
    const second = await openPlane({ recorder: false });
    await second.start();
    await waitFor('the outbox to drain', async () => (await second.outboxLag()).pending === 0);
    await second.close();
    const worker = await h.startWorker({ NYX_WORKER_CONCURRENCY: '50' });
    await waitFor('every job to run', async () => (await h.workflows.getJobCountByTypes('completed')) === runIds.length, 60_000);

    // Recorder: closed while busy; every result job it acknowledged is in PostgreSQL.
    const third = await openPlane({ relay: false });
    await third.start();
    await waitFor('the recorder to have written some results', () => third.stats().recorded > 0, 10_000, 2);
    await third.close();
    // Results jobs hold batches: count the outcomes of those acknowledged.
    const acknowledged = (await outcomesInResultsQueue(h.prefix, ['completed'])).length;
    expect(await outcomesInResultsQueue(h.prefix, ['active'])).toEqual([]);
    expect(await em().count(WorkflowRun, { status: 'completed' })).toBe(acknowledged);
    expect(third.stats().recorded).toBe(acknowledged);

    // A new recorder takes the rest.
    const fourth = await openPlane({ relay: false });
    await fourth.start();
    await waitFor('every run recorded', async () => (await em().count(WorkflowRun, { status: 'completed' })) === runIds.length, 30_000);
    await fourth.close();
    await exitOf((worker.kill('SIGTERM'), worker));
  });
});
