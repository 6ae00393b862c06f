/**
 * POST /states refuses a motivation type no registered workflow handles
 * (400 naming the known ones) unless `?allowUnknownMotivation=true`; GET
 * /states and GET /tasks page newest first by keyset, as GET /runs does.
 * Real HTTP against the running service.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestService, type TestService } from './support/api-harness.js';

describe('states and tasks: motivation types and lists', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('POST /states: 400 for a type no workflow handles, naming the known types; accepted when asked', async () => {
    const refused = await t.api.request('POST', '/states', { body: { motivationType: 'greed', intensity: 0.5 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('unknown_workflow');
    expect(refused.body.error.message).toBe(
      'body.motivationType: no workflow handles "greed" (known: autonomy, curiosity, mastery, noop, relatedness); ' +
        'add ?allowUnknownMotivation=true to store it anyway',
    );
    const listed = await t.api.request('GET', '/states?motivationType=greed');
    expect(listed.body.items).toEqual([]);

    const accepted = await t.api.request('POST', '/states?allowUnknownMotivation=true', { body: { motivationType: 'greed', intensity: 0.5 } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.motivationType).toBe('greed');
    const bad = await t.api.request('POST', '/states?allowUnknownMotivation=yes', { body: { motivationType: 'greed', intensity: 0.5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.allowUnknownMotivation/);
  });

  it('GET /states pages newest first with a cursor, and filters by motivation type', async () => {
    const ids: number[] = [];
    for (const intensity of [0.1, 0.2, 0.3]) {
      ids.push((await t.api.request('POST', '/states', { body: { motivationType: 'mastery', intensity } })).body.id);
    }
    const first = await t.api.request('GET', '/states?motivationType=mastery&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { id: number }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toEqual({ id: ids[2], motivationType: 'mastery', intensity: 0.3, description: null, createdAt: expect.any(String) });
    const second = await t.api.request('GET', `/states?motivationType=mastery&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const badCursor = await t.api.request('GET', '/states?cursor=nonsense');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toMatch(/query\.cursor/);
  });

  it('GET /tasks pages newest first with a cursor, and filters by state', async () => {
    const state = (await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } })).body;
    const ids: string[] = [];
    for (const prompt of ['one', 'two', 'three']) {
      const task = await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: state.id, generatedPrompt: prompt, taskPriority: 1, arbitrationScore: 0.5 },
      });
      ids.push(task.body.id);
    }
    const first = await t.api.request('GET', `/tasks?stateId=${state.id}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((x: { id: string }) => x.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0]).toMatchObject({ id: ids[2], generatedPrompt: 'three', motivationalState: { id: state.id, motivationType: 'curiosity' } });
    const second = await t.api.request('GET', `/tasks?stateId=${state.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await t.api.request('GET', '/tasks?limit=0')).status).toBe(400);
  });
});
