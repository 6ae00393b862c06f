/**
 * /schedules over real HTTP: create (201, refusals named), list with the next
 * fire time, pause (no next fire), resume, delete; the in-process service's
 * scheduler fires an every-second schedule, and /metrics shows its next fire
 * time and lag.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, type TestService } from './support/api-harness.js';

describe('schedule routes', () => {
  let t: TestService;
  let taskId: string;

  beforeAll(async () => {
    t = await startTestService({ env: { NYX_SCHEDULER_TICK_MS: '100' } });
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } });
    const task = await t.api.request('POST', '/tasks', {
      body: { motivationalStateId: state.body.id, generatedPrompt: 'Count.', taskPriority: 1, arbitrationScore: 0.5 },
    });
    taskId = task.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates a schedule, fires it, and shows it in /metrics', async () => {
    const created = await t.api.request('POST', '/schedules', { body: { name: 'ticker', cron: '* * * * * *', timeZone: 'Europe/Paris', taskIds: [taskId] } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/schedules/ticker');
    expect(created.body).toMatchObject({ name: 'ticker', timeZone: 'Europe/Paris', paused: false, nextFireAt: expect.any(String), lastFire: null });

    const fired = await waitFor('a fire', async () => (await t.api.request('GET', '/schedules/ticker')).body.lastFire);
    expect(fired).toMatchObject({ runIds: [expect.any(String)], error: null, lagMs: expect.any(Number) });
    const run = await t.api.request('GET', `/runs/${fired.runIds[0]}`);
    expect(run.body).toMatchObject({ taskId, workflow: 'keywords' });

    const metrics = (await t.api.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/^nyx_schedule_next_fire_timestamp_seconds\{schedule="ticker"\} \d+/m);
    expect(metrics).toMatch(/^nyx_schedule_lag_seconds\{schedule="ticker"\} [\d.e-]+$/m);
  });

  it('pauses, resumes, lists and deletes', async () => {
    const paused = await t.api.request('POST', '/schedules/ticker/pause');
    expect(paused.body).toMatchObject({ paused: true, nextFireAt: null });
    const resumed = await t.api.request('POST', '/schedules/ticker/resume');
    expect(resumed.body).toMatchObject({ paused: false, nextFireAt: expect.any(String) });
    const list = await t.api.request('GET', '/schedules');
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['ticker']);
    expect((await t.api.request('DELETE', '/schedules/ticker')).status).toBe(204);
    expect((await t.api.request('GET', '/schedules/ticker')).status).toBe(404);
    expect((await t.api.request('POST', '/schedules/ticker/pause')).body.error.code).toBe('unknown_schedule');
  });

  it('refuses what cannot work, naming it', async () => {
    const badCron = await t.api.request('POST', '/schedules', { body: { name: 'bad', cron: 'often', taskIds: [taskId] } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error).toMatchObject({ code: 'invalid_schedule', message: expect.stringMatching(/^schedule "bad": cron "often": /) });
    const badZone = await t.api.request('POST', '/schedules', { body: { name: 'bad', cron: '0 3 * * *', timeZone: 'Mars/Olympus', taskIds: [taskId] } });
    expect(badZone.body.error.message).toBe('schedule "bad": time zone "Mars/Olympus" is not an IANA time zone (like Europe/Paris or UTC)');
    const unknownTask = crypto.randomUUID();
    const noTask = await t.api.request('POST', '/schedules', { body: { name: 'bad', cron: '0 3 * * *', taskIds: [unknownTask] } });
    expect(noTask.status).toBe(404);
    expect(noTask.body.error.message).toBe(`unknown task id: ${unknownTask}`);
    await t.api.request('POST', '/schedules', { body: { name: 'twice', cron: '0 3 * * *', taskIds: [taskId] } });
    const twice = await t.api.request('POST', '/schedules', { body: { name: 'twice', cron: '0 3 * * *', taskIds: [taskId] } });
    expect(twice.status).toBe(409);
  });
});
