/**
 * Payload versions across a deploy. A v1 job (written before `intensity`
 * existed) still waiting in Redis runs on today's worker, upcast with the
 * documented default intensity — visible in plan-steps' estimates. A version
 * the worker does not know is dead at once, without spending retries.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_INTENSITY_FOR_V1, TASK_SPAWN_CONTEXT_SCHEMA, WORKFLOW_JOB_NAME, type TaskSpawnEnvelope } from '../../src/dto/index.js';
import { planStepsWorkflow } from '../../src/workers/workflows/plan-steps.workflow.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';
import { dispatchByHand } from './support/raw-jobs.js';

const PROMPT = 'Tune the guitar; then practise the riff slowly; then record it at full speed and compare.';

const planFor = (intensity: number, priority: number) =>
  planStepsWorkflow.run(
    { generatedPrompt: PROMPT, priority, intensity },
    { runId: 'x', attempt: 1, signal: new AbortController().signal, reportProgress: async () => {}, log: () => {} },
  );

describe('versioned payloads', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await FaultHarness.open('versions', { relay: false, config: { NYX_JOB_ATTEMPTS: '3' } });
    await h.startWorker();
  });

  afterAll(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      await h?.close();
    }
  });

  /** Spawns one task and returns its run id and the v2 envelope the relay would have sent. */
  async function spawnWithoutRelay(spec: Parameters<FaultHarness['spawn']>[0]) {
    const [runId] = await h.spawn(spec);
    const rows = await dispatchByHand(h.cp.em());
    const row = rows.find((r) => r.runId === runId)!;
    return { runId: runId!, envelope: row.payload as TaskSpawnEnvelope };
  }

  it('runs a v1 job left in Redis on a v2 worker, with the default intensity', async () => {
    const { runId, envelope } = await spawnWithoutRelay({ motivationType: 'mastery', prompt: PROMPT, intensity: 0.9, priority: 7 });
    expect(envelope.v).toBe(2);
    const { intensity, ...v1Data } = envelope.data;
    expect(intensity).toBe(0.9);
    await h.workflows.add(WORKFLOW_JOB_NAME, { schema: TASK_SPAWN_CONTEXT_SCHEMA, v: 1, data: v1Data }, { jobId: runId, attempts: 3 });

    await waitFor('the v1 run to complete', async () => (await h.run(runId))?.status === 'completed');
    const run = (await h.run(runId))!;
    expect(run.attempts).toBe(1);
    // The recorded plan is the one computed with the v1 default, not with the task's 0.9.
    expect(DEFAULT_INTENSITY_FOR_V1).toBe(0.5);
    expect(run.result).toEqual(await planFor(DEFAULT_INTENSITY_FOR_V1, 7));
    expect(run.result).not.toEqual(await planFor(0.9, 7));
  });

  it('sends an unknown version to the dead-letter queue at once, without burning retries', async () => {
    const { runId, envelope } = await spawnWithoutRelay({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } });
    await h.workflows.add(WORKFLOW_JOB_NAME, { ...envelope, v: 99 }, { jobId: runId, attempts: 3 });

    await waitFor('the run to be dead', async () => (await h.run(runId))?.status === 'dead');
    const run = (await h.run(runId))!;
    expect(run.attempts).toBe(1);
    expect(run.error).toBe('invalid payload: InvalidPayloadError: unsupported payload version 99 (supported: 1, 2)');

    const letter = await waitFor('its dead letter', () => h.deadLetter(runId));
    expect(letter.reason).toBe('invalid payload');
    expect(letter.error).toBe('InvalidPayloadError: unsupported payload version 99 (supported: 1, 2)');
    expect(letter).toMatchObject({ attemptsMade: 1, history: [], payload: { v: 99 } });
    const job = (await h.workflows.getJob(runId))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(3);
  });
});
