/**
 * Delayed spawns (`runAt` / `delayMs`), through the outbox, with a real
 * worker process: the run is `delayed` and its outbox row held until it is
 * due, it does not start before `runAt`, and a delayed run can be cancelled
 * (it is then never sent). Bad times are refused before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { InvalidSpawnTimeError } from '../../src/producers/errors/index.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

describe('delayed spawns', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await FaultHarness.open('delayed');
    await h.startWorker();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('holds a run until runAt: delayed, then started no earlier than runAt', async () => {
    const runAt = new Date(Date.now() + 2_500);
    const [runId] = (await h.cp.spawn(await h.seed({ motivationType: 'test-sleep', metadata: { sleepMs: 10 } }), { runAt })).map((r) => r.runId);
    const delayed = (await h.run(runId!))!;
    expect(delayed.status).toBe('delayed');
    expect(delayed.runAt?.toISOString()).toBe(runAt.toISOString());
    // Not due: not counted as outbox lag, not in Redis, even with the relay polling every 50 ms.
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.workflows.getJob(runId!)).toBeUndefined();
    expect((await h.cp.outboxLag()).pending).toBe(0);
    expect((await h.run(runId!))!.status).toBe('delayed');

    await waitFor('the run to complete', async () => (await h.run(runId!))?.status === 'completed');
    const run = (await h.run(runId!))!;
    expect(run.startedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
    expect(run.queuedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
  });

  it('takes delayMs too, and cancels a delayed run before it is ever sent', async () => {
    const [runId] = (await h.cp.spawn(await h.seed({ motivationType: 'test-sleep' }), { delayMs: 60_000 })).map((r) => r.runId);
    const run = (await h.run(runId!))!;
    expect(run.status).toBe('delayed');
    expect(run.runAt!.getTime() - run.enqueuedAt.getTime()).toBeGreaterThanOrEqual(59_000);
    expect(await h.cp.cancel([runId!])).toMatchObject({ stopped: [{ runId, status: 'delayed' }] });
    expect(await h.run(runId!)).toMatchObject({ status: 'cancelled' });
    expect(await h.workflows.getJob(runId!)).toBeUndefined();
    expect((await h.cp.outboxLag()).pending).toBe(0);
  });

  it('refuses a bad time, naming it, and writes nothing', async () => {
    const taskIds = await h.seed({ motivationType: 'test-sleep' });
    await expect(h.cp.spawn(taskIds, { delayMs: -1 })).rejects.toThrow(new InvalidSpawnTimeError('delayMs: -1 is not a whole number of ms >= 0'));
    await expect(h.cp.spawn(taskIds, { delayMs: 5, runAt: new Date() })).rejects.toThrow('spawn time: give runAt or delayMs, not both');
    await expect(h.cp.spawn(taskIds, { runAt: new Date('nope') })).rejects.toThrow('spawn time: runAt: Invalid Date is not a valid Date');
    expect(await h.orm.em.fork().count(WorkflowRun, { taskId: taskIds[0]! })).toBe(0);
  });
});
