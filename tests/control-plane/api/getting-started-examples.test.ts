/**
 * The REST examples of docs/getting-started.md, request by request, against
 * the running service (no worker runs, so a spawned run stays unfinished and
 * the 409 reproduces).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestService, type TestService } from './support/api-harness.js';

describe('docs/getting-started.md examples', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reproduce as written', async () => {
    const greed = await t.api.request('POST', '/states', { body: { motivationType: 'greed', intensity: 0.5 } });
    expect(greed.status).toBe(400);
    expect(greed.body).toEqual({
      error: {
        code: 'unknown_workflow',
        message:
          'body.motivationType: no workflow handles "greed" (known: autonomy, curiosity, mastery, noop, relatedness); add ?allowUnknownMotivation=true to store it anyway',
      },
    });

    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.7 } });
    expect(state.status).toBe(201);
    expect(state.body).toEqual({ id: expect.any(Number), motivationType: 'curiosity', intensity: 0.7, description: null, createdAt: expect.any(String) });

    const task = await t.api.request('POST', '/tasks', {
      body: { motivationalStateId: state.body.id, generatedPrompt: 'Explore tidal forces.', taskPriority: 1, arbitrationScore: 0.5 },
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ id: expect.any(String), runs: [], run: null });

    const spawned = await t.api.request('POST', `/tasks/${task.body.id}/spawn`);
    expect(spawned.status).toBe(201);
    expect(spawned.body).toEqual({ runId: expect.any(String), taskId: task.body.id, workflow: 'keywords' });
    const again = await t.api.request('POST', `/tasks/${task.body.id}/spawn`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run_in_progress');
    expect(again.body.error.message).toMatch(
      new RegExp(`^task ${task.body.id} already has run ${spawned.body.runId} \\((pending|queued)\\); send \\{"force": true\\} to spawn another$`),
    );

    const listed = await t.api.request('GET', `/tasks?stateId=${state.body.id}&limit=1`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [expect.objectContaining({ id: task.body.id, motivationalState: expect.objectContaining({ id: state.body.id }) })],
      nextCursor: null,
    });

    const text = await t.api.request('POST', '/states', { rawBody: '<state/>', headers: { 'content-type': 'application/xml' } });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
  });
});
