/**
 * POST /runs/:id/cancel and /runs/:id/fail over real HTTP: 200 with the run
 * as it is now, 409 for a run that already ended, 404 for an unknown run,
 * 400 for a bad id or body; the stopped runs show in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, type TestService } from './support/api-harness.js';

describe('run control routes', () => {
  let t: TestService;

  const queuedRun = async (): Promise<string> => {
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } });
    const task = await t.api.request('POST', '/tasks', {
      body: { motivationalStateId: state.body.id, generatedPrompt: 'Look at the tides.', taskPriority: 1, arbitrationScore: 0.5, spawn: true },
    });
    expect(task.status).toBe(201);
    const runId: string = task.body.run.runId;
    await waitFor('the run to be queued', async () => (await t.api.request('GET', `/runs/${runId}`)).body.status === 'queued');
    return runId;
  };

  beforeAll(async () => {
    t = await startTestService();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('cancels a queued run (no worker runs here) and then answers 409', async () => {
    const runId = await queuedRun();
    const cancelled = await t.api.request('POST', `/runs/${runId}/cancel`, { body: { reason: 'wrong tides' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: runId, status: 'cancelled', error: 'cancelled by an operator: wrong tides' });
    const again = await t.api.request('POST', `/runs/${runId}/fail`);
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({ code: 'run_final', message: `run ${runId} already ended as cancelled; a final status never changes` });
  });

  it('fails a run by hand', async () => {
    const runId = await queuedRun();
    const failed = await t.api.request('POST', `/runs/${runId}/fail`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'failed', error: 'failed by an operator' });
  });

  it('404 for an unknown run, 400 for a bad id or body', async () => {
    const unknown = await t.api.request('POST', `/runs/${crypto.randomUUID()}/cancel`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_run');
    const badId = await t.api.request('POST', '/runs/nope/cancel');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toMatch(/params\.id/);
    const badBody = await t.api.request('POST', `/runs/${crypto.randomUUID()}/cancel`, { body: { reason: 3 } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toMatch(/body\.reason/);
  });

  it('shows stopped runs in /metrics and lists them by status', async () => {
    const metrics = (await t.api.request('GET', '/metrics')).text;
    expect(metrics).toContain('nyx_runs_stopped{status="cancelled"} 1');
    expect(metrics).toContain('nyx_runs_stopped{status="failed"} 1');
    expect(metrics).toMatch(/^# TYPE nyx_worker_zombies_total gauge$/m);
    const listed = await t.api.request('GET', '/runs?status=cancelled');
    expect(listed.body.items.map((run: { status: string }) => run.status)).toEqual(['cancelled']);
  });
});
