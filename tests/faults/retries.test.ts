/**
 * Retries and unrecoverable errors, on a real worker process: a workflow's
 * plain error is retried with backoff and each attempt shows in WorkflowRun;
 * `WorkflowUnrecoverableError` ends the run at once, whatever attempts remain;
 * exhausted attempts end it too. Dead runs are in the dead-letter queue with
 * their payload, reason and attempt history.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTaskSpawnEnvelope } from '../../src/dto/index.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';

describe('retries and unrecoverable errors', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await FaultHarness.open('retries', { config: { NYX_JOB_ATTEMPTS: '3', NYX_BACKOFF_MS: '50' } });
    await h.startWorker();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('retries a failing workflow and records the attempt that succeeded', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-flaky', metadata: { failAttempts: 2 } });
    await waitFor('the flaky run to complete', async () => (await h.run(runId!))?.status === 'completed');
    const run = (await h.run(runId!))!;
    expect(run.attempts).toBe(3);
    expect(run.result).toEqual({ attempt: 3 });
    expect(run.error).toBeNull();
    expect(await h.deadLetter(runId!)).toBeNull();
  });

  it('makes a run dead once its attempts are exhausted, with the history of every attempt', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-flaky', metadata: { failAttempts: 10 } });
    await waitFor('the run to be dead', async () => (await h.run(runId!))?.status === 'dead');
    const run = (await h.run(runId!))!;
    expect(run.attempts).toBe(3);
    expect(run.error).toBe('attempts exhausted (3): Error: flaky failure on attempt 3');

    const letter = await waitFor('its dead letter', () => h.deadLetter(runId!));
    expect(letter).toMatchObject({ runId, workflow: 'test-flaky', reason: 'attempts exhausted (3)', attemptsMade: 3, attemptsStarted: 3 });
    expect(letter.history).toHaveLength(2);
    expect(letter.history[0]).toContain('flaky failure on attempt 1');
    expect(letter.history[1]).toContain('flaky failure on attempt 2');
    // The payload is kept as sent, so it can be redriven.
    const opened = openTaskSpawnEnvelope(letter.payload);
    expect(opened.ok && opened.context.motivationType).toBe('test-flaky');
    expect(letter.taskId).toBe(run.taskId);
  });

  it('does not retry a workflow that throws WorkflowUnrecoverableError', async () => {
    const [runId] = await h.spawn({ motivationType: 'test-give-up', metadata: { blockerFile: '/' } });
    await waitFor('the run to be dead', async () => (await h.run(runId!))?.status === 'dead');
    const run = (await h.run(runId!))!;
    expect(run.attempts).toBe(1);
    expect(run.error).toBe('unrecoverable error: WorkflowUnrecoverableError: blocked by /');

    const letter = await waitFor('its dead letter', () => h.deadLetter(runId!));
    expect(letter).toMatchObject({ reason: 'unrecoverable error', attemptsMade: 1, history: [] });
    const job = (await h.workflows.getJob(runId!))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(3);
  });

  it('leaves no run behind', async () => {
    await h.expectNothingLeftBehind();
  });
});
