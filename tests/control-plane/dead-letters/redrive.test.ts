/**
 * The dead-letter queue round trip on real processes: a run dies, its letter
 * holds payload, reason and attempts; redrive re-validates the payload against
 * the current schema, resets the run and sends it through the outbox again; it
 * can die again (a new letter) or complete. A payload that is still invalid
 * stays dead with a clear message. Redrives are idempotent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  deadLetterDeps,
  DeadLetterNotFoundError,
  listDeadLetterSummaries,
  redriveAllDeadLetters,
  redriveDeadLetter,
  RedriveRefusedError,
  showDeadLetter,
  type RedriveDeps,
} from '../../../src/control-plane/dead-letters/index.js';
import { resetDeadRun, requeueThroughOutbox } from '../../../src/control-plane/dead-letters/redrive-sql.js';
import { TASK_SPAWN_CONTEXT_SCHEMA, WORKFLOW_JOB_NAME, type TaskSpawnEnvelope } from '../../../src/dto/index.js';
import { readOutboxOf } from '../../support/outbox-rows.js';
import { waitFor } from '../../support/wait-for.js';
import { faultRegistry, FaultHarness } from '../../faults/support/fault-harness.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';

describe('dead-letter queue: redrive', () => {
  let h: FaultHarness;
  let deps: RedriveDeps;
  const dir = mkdtempSync(path.join(tmpdir(), 'nyx-redrive-'));
  const blocker = path.join(dir, 'blocker');

  beforeAll(async () => {
    h = await FaultHarness.open('redrive', { relay: false, config: { NYX_JOB_ATTEMPTS: '3' } });
    deps = deadLetterDeps(h.cp, { registry: faultRegistry, maxPayloadBytes: 65_536 });
    await h.startWorker();
  });

  afterAll(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await h?.close();
    }
  });

  const statusOf = async (runId: string) => (await h.run(runId))?.status;

  /** Spawns a run of test-give-up that dies while the blocker file exists. */
  async function deadRun(): Promise<string> {
    writeFileSync(blocker, '');
    const [runId] = await h.spawn({ motivationType: 'test-give-up', metadata: { blockerFile: blocker } });
    await h.relayNow();
    await waitFor('the run to be dead', async () => (await statusOf(runId!)) === 'dead');
    await waitFor('its dead letter', () => h.deadLetter(runId!));
    return runId!;
  }

  it('redrives a dead run: it can die again with a new letter, then complete once the cause is fixed', async () => {
    const runId = await deadRun();
    expect(await listDeadLetterSummaries(deps)).toEqual([
      expect.objectContaining({ runId, workflow: 'test-give-up', reason: 'unrecoverable error', runStatus: 'dead', attemptsMade: 1 }),
    ]);
    const details = await showDeadLetter(deps, runId);
    expect(details).toMatchObject({ run: { status: 'dead', attempts: 1 }, jobState: 'failed', letter: { runId } });

    // Still blocked: the redriven run dies again, and leaves a new letter.
    const first = await redriveDeadLetter(deps, runId);
    expect(first).toMatchObject({ runId, outcome: 'redriven', queue: 'workflows', previousAttempts: 1 });
    const reset = (await h.run(runId))!;
    expect(reset).toMatchObject({ status: 'pending', attempts: 0, result: null, finishedAt: null });
    expect(reset.error).toMatch(/^redriven at .* after 1 attempt\(s\); it had died with: unrecoverable error: WorkflowUnrecoverableError: blocked by/);
    expect(await h.deadLetter(runId)).toBeNull();
    await h.relayNow();
    await waitFor('the run to be dead again', async () => (await statusOf(runId)) === 'dead');
    const second = await waitFor('its new dead letter', () => h.deadLetter(runId));
    expect(second.reason).toBe('unrecoverable error');

    // Unblocked: the next redrive completes it.
    rmSync(blocker);
    expect(await redriveDeadLetter(deps, runId)).toMatchObject({ outcome: 'redriven' });
    await h.relayNow();
    await waitFor('the run to complete', async () => (await statusOf(runId)) === 'completed');
    const run = (await h.run(runId))!;
    expect(run).toMatchObject({ attempts: 1, error: null, result: { attempt: 1, unblocked: true } });
    expect(await h.deadLetter(runId)).toBeNull();
    await expect(redriveDeadLetter(deps, runId)).rejects.toThrow(DeadLetterNotFoundError);
  });

  it('leaves a run whose payload is still invalid dead, with a clear message', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } });
    const [row] = await dispatchByHand(h.cp.em());
    await h.workflows.add(WORKFLOW_JOB_NAME, { ...(row!.payload as object), v: 99 }, { jobId: runId, attempts: 3 });
    await waitFor('the run to be dead', async () => (await statusOf(runId!)) === 'dead');
    await waitFor('its dead letter', () => h.deadLetter(runId!));

    const refused = redriveDeadLetter(deps, runId!);
    await expect(refused).rejects.toThrow(RedriveRefusedError);
    await expect(refused).rejects.toThrow(
      `run ${runId} stays dead: its payload is still invalid against the current schema — unsupported payload version 99 (supported: 1, 2)`,
    );
    expect(await statusOf(runId!)).toBe('dead');
    expect(await h.deadLetter(runId!)).not.toBeNull();
    expect(await h.workflows.getJobState(runId!)).toBe('failed');
  });

  it('upcasts a v1 payload when it redrives it, and sends the current version', async () => {
    writeFileSync(blocker, '');
    const [runId] = await h.spawn({ motivationType: 'test-give-up', metadata: { blockerFile: blocker }, intensity: 0.9 });
    const [row] = await dispatchByHand(h.cp.em());
    const { intensity: _, ...v1Data } = (row!.payload as TaskSpawnEnvelope).data;
    await h.workflows.add(WORKFLOW_JOB_NAME, { schema: TASK_SPAWN_CONTEXT_SCHEMA, v: 1, data: v1Data }, { jobId: runId, attempts: 3 });
    await waitFor('the run to be dead', async () => (await statusOf(runId!)) === 'dead');
    expect((await waitFor('its dead letter', () => h.deadLetter(runId!))).payload).toMatchObject({ v: 1 });

    rmSync(blocker);
    await redriveDeadLetter(deps, runId!);
    const outbox = await readOutboxOf(h.orm.em.fork(), runId!);
    expect(outbox.dispatchedAt).toBeNull();
    expect(outbox.payload).toMatchObject({ v: 2, data: { intensity: 0.5, taskId: v1Data.taskId } });
    await h.relayNow();
    await waitFor('the run to complete', async () => (await statusOf(runId!)) === 'completed');
  });

  it('is idempotent: two concurrent redrives re-queue the run once, a stale letter is cleared', async () => {
    const runId = await deadRun();
    rmSync(blocker);
    const outcomes = await Promise.allSettled([redriveDeadLetter(deps, runId), redriveDeadLetter(deps, runId)]);
    const redriven = outcomes.filter((o) => o.status === 'fulfilled' && o.value.outcome === 'redriven');
    expect(redriven).toHaveLength(1);
    await h.relayNow();
    await waitFor('the run to complete', async () => (await statusOf(runId)) === 'completed');
    expect((await h.run(runId))!.attempts).toBe(1);

    // A redrive that crashed after its commit, before removing the letter.
    writeFileSync(blocker, '');
    const crashed = await deadRun();
    const letter = (await h.deadLetter(crashed))!;
    await h.cp.em().transactional(async (tx) => {
      await resetDeadRun(tx, crashed, 'redriven (then crashed)');
      await requeueThroughOutbox(tx, { runId: crashed, queue: 'workflows', jobName: WORKFLOW_JOB_NAME, payload: letter.payload, priority: 0 }, new Date());
    });
    await h.workflows.remove(crashed);
    rmSync(blocker);
    await h.relayNow();
    await waitFor('the run to complete', async () => (await statusOf(crashed)) === 'completed');
    expect(await redriveDeadLetter(deps, crashed)).toEqual({ runId: crashed, outcome: 'already-redriven', status: 'completed' });
    expect(await h.deadLetter(crashed)).toBeNull();
  });

  it('redrives every letter it can with --all semantics, and reports the others', async () => {
    const ok = await deadRun();
    const [bad] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } });
    const [row] = await dispatchByHand(h.cp.em());
    await h.workflows.add(WORKFLOW_JOB_NAME, { ...(row!.payload as object), schema: 'Invoice' }, { jobId: bad, attempts: 3 });
    await waitFor('both dead', async () => (await statusOf(bad!)) === 'dead' && (await h.deadLetter(bad!)) !== null);
    rmSync(blocker);

    const results = await redriveAllDeadLetters(deps);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ runId: ok, outcome: 'redriven' }),
        { runId: bad, outcome: 'refused', reason: expect.stringContaining('unknown payload schema "Invoice"') },
      ]),
    );
    await h.relayNow();
    await waitFor('the redriven run to complete', async () => (await statusOf(ok)) === 'completed');
    expect(await statusOf(bad!)).toBe('dead');
  });
});
