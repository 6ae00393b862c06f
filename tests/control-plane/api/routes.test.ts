/**
 * Every REST route over real HTTP against the running service (real
 * PostgreSQL and Redis; no worker runs here, so spawned runs stay queued):
 * the happy path and each error status — 400, 401, 404, 409, 413.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, TEST_TOKEN, type TestService } from './support/api-harness.js';

describe('REST API', () => {
  let t: TestService;
  let stateId: number;

  const createTask = async (extra: Record<string, unknown> = {}) => {
    const response = await t.api.request('POST', '/tasks', {
      body: { motivationalStateId: stateId, generatedPrompt: 'Explore tidal forces on three coastlines.', taskPriority: 3, arbitrationScore: 0.4, ...extra },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    // Small limits, so 413 is reachable with small requests.
    t = await startTestService({ env: { NYX_MAX_PAYLOAD_BYTES: '2048', NYX_HTTP_BODY_LIMIT: '16384' } });
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.7, description: 'wants to know' } });
    expect(state.status).toBe(201);
    stateId = state.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('POST /runs/spawn spawns a registered spawnable by name; GET /runs?spawnable= lists its runs; unknown names are 404', async () => {
    const task = await createTask({ spawn: false });
    const spawned = await t.api.request('POST', '/runs/spawn', { body: { spawnable: 'motivational-task', ids: [task.id] } });
    expect(spawned.status).toBe(201);
    expect(spawned.body.runs).toEqual([{ runId: expect.any(String), subjectId: task.id, workflow: 'keywords' }]);
    const listed = await t.api.request('GET', `/runs?spawnable=motivational-task&subjectId=${task.id}`);
    expect(listed.body.items.map((run: { id: string }) => run.id)).toEqual([spawned.body.runs[0].runId]);
    const unknown = await t.api.request('POST', '/runs/spawn', { body: { spawnable: 'invoice-reminder', ids: ['1'] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_spawnable' });
    expect(unknown.body.error.message).toContain('unknown spawnable "invoice-reminder" (registered: motivational-task)');
    const noIds = await t.api.request('POST', '/runs/spawn', { body: { spawnable: 'motivational-task', ids: [] } });
    expect(noIds.status).toBe(400);
  });

  describe('POST /states', () => {
    it('creates a state (201) and answers with it', async () => {
      const response = await t.api.request('POST', '/states', { body: { motivationType: 'mastery', intensity: 0.2 } });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(Number), motivationType: 'mastery', intensity: 0.2, description: null, createdAt: expect.any(String) });
      expect(response.headers.get('location')).toBe(`/states/${response.body.id}`);
    });

    it('400 names each bad field; unknown fields are refused too', async () => {
      const response = await t.api.request('POST', '/states', { body: { motivationType: 'Not A Type', intensity: 2, colour: 'red' } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      expect(response.body.error.message).toMatch(/body\.motivationType/);
      expect(response.body.error.message).toMatch(/body\.intensity/);
      expect(response.body.error.message).toMatch(/colour/);
    });

    it('400 for a body that is not JSON', async () => {
      const response = await t.api.request('POST', '/states', { rawBody: '{"motivationType":', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    });
  });

  describe('POST /tasks', () => {
    it('creates a task without spawning it', async () => {
      const task = await createTask({ metadata: { source: 'api-test', tags: ['a', 'b'] } });
      expect(task).toMatchObject({
        generatedPrompt: 'Explore tidal forces on three coastlines.',
        taskPriority: 3,
        arbitrationScore: 0.4,
        metadata: { source: 'api-test', tags: ['a', 'b'] },
        motivationalState: { id: stateId, motivationType: 'curiosity' },
        runs: [],
        run: null,
      });
    });

    it('spawn: true creates the task and its run in one transaction; the relay queues it', async () => {
      const task = await createTask({ spawn: true });
      expect(task.run).toEqual({ runId: expect.any(String), taskId: task.id, workflow: 'keywords' });
      expect(task.runs).toHaveLength(1);
      const run = await waitFor(
        'run queued',
        async () => {
          const response = await t.api.request('GET', `/runs/${task.run.runId}`);
          return response.body.status === 'queued' ? response.body : null;
        },
        15_000,
      );
      expect(run).toMatchObject({ id: task.run.runId, taskId: task.id, workflow: 'keywords', attempts: 0, payloadVersion: 2, result: null, error: null });
      expect(run.timings.queuedAt).toEqual(expect.any(String));
      expect(run.timings.finishedAt).toBeNull();
      // …and the job is in Redis under the run's id.
      const job = await t.service.controlPlane.queue('workflows').getJob(task.run.runId);
      expect(job?.data).toMatchObject({ schema: 'TaskSpawnContext', v: 2, data: { taskId: task.id } });
    });

    it('400 for a bad body: missing fields, wrong types', async () => {
      const missing = await t.api.request('POST', '/tasks', { body: { motivationalStateId: stateId } });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/body\.generatedPrompt/);
      const wrongType = await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: 'one', generatedPrompt: 'x', taskPriority: 1.5, arbitrationScore: 0 },
      });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error.message).toMatch(/body\.motivationalStateId/);
      expect(wrongType.body.error.message).toMatch(/body\.taskPriority/);
    });

    it('404 for an unknown motivational state', async () => {
      const response = await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: 999_999, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0 },
      });
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({ code: 'unknown_state', message: 'unknown motivational state id: 999999' });
    });

    it('409 for a client-chosen id that exists', async () => {
      const id = randomUUID();
      await createTask({ id });
      const again = await t.api.request('POST', '/tasks', {
        body: { id, motivationalStateId: stateId, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0 },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      expect(again.body.error.message).toContain(id);
    });

    it('413 when the spawned payload is over NYX_MAX_PAYLOAD_BYTES — and the task is not created either', async () => {
      const id = randomUUID();
      const response = await t.api.request('POST', '/tasks', {
        body: {
          id,
          motivationalStateId: stateId,
          generatedPrompt: 'big',
          taskPriority: 1,
          arbitrationScore: 0,
          metadata: { blob: 'x'.repeat(4_000) },
          spawn: true,
        },
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload_too_large');
      expect(response.body.error.message).toMatch(/over the limit of 2048/);
      expect((await t.api.request('GET', `/tasks/${id}`)).status).toBe(404);
    });

    it('413 when the request body is over NYX_HTTP_BODY_LIMIT', async () => {
      const response = await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: stateId, generatedPrompt: 'big', taskPriority: 1, arbitrationScore: 0, metadata: { blob: 'x'.repeat(20_000) } },
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload_too_large');
    });

    it('400 when no workflow handles the motivation type — nothing is created', async () => {
      const state = await t.api.request('POST', '/states?allowUnknownMotivation=true', { body: { motivationType: 'boredom', intensity: 0.1 } });
      const id = randomUUID();
      const response = await t.api.request('POST', '/tasks', {
        body: { id, motivationalStateId: state.body.id, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0, spawn: true },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('unknown_workflow');
      expect(response.body.error.message).toMatch(/"boredom"/);
      expect((await t.api.request('GET', `/tasks/${id}`)).status).toBe(404);
    });
  });

  describe('POST /tasks/:id/spawn', () => {
    it('201 with the run; 409 while that run is unfinished; force spawns another', async () => {
      const task = await createTask();
      const first = await t.api.request('POST', `/tasks/${task.id}/spawn`);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ runId: expect.any(String), taskId: task.id, workflow: 'keywords' });
      expect(first.headers.get('location')).toBe(`/runs/${first.body.runId}`);

      const second = await t.api.request('POST', `/tasks/${task.id}/spawn`);
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('run_in_progress');
      expect(second.body.error.message).toContain(first.body.runId);

      const forced = await t.api.request('POST', `/tasks/${task.id}/spawn`, { body: { force: true } });
      expect(forced.status).toBe(201);
      expect(forced.body.runId).not.toBe(first.body.runId);
      expect(await t.orm.em.fork().count(WorkflowRun, { taskId: task.id })).toBe(2);
    });

    it('concurrent spawns of one task: exactly one wins, the rest get 409 (row lock)', async () => {
      const task = await createTask();
      const answers = await Promise.all(Array.from({ length: 6 }, () => t.api.request('POST', `/tasks/${task.id}/spawn`)));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(await t.orm.em.fork().count(WorkflowRun, { taskId: task.id })).toBe(1);
    });

    it('404 for an unknown task, 400 for a malformed id or body', async () => {
      const unknown = randomUUID();
      const missing = await t.api.request('POST', `/tasks/${unknown}/spawn`);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toEqual({ code: 'unknown_task', message: `unknown task id: ${unknown}` });
      const malformed = await t.api.request('POST', '/tasks/not-a-uuid/spawn');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toMatch(/params\.id/);
      const task = await createTask();
      const badBody = await t.api.request('POST', `/tasks/${task.id}/spawn`, { body: { force: 'yes' } });
      expect(badBody.status).toBe(400);
      expect(badBody.body.error.message).toMatch(/body\.force/);
    });
  });

  describe('GET /tasks/:id and GET /runs/:id', () => {
    it('a task with its state and runs; a run with status, attempts, result, error, timings', async () => {
      const task = await createTask({ spawn: true });
      const fetched = await t.api.request('GET', `/tasks/${task.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({
        id: task.id,
        motivationalState: { id: stateId, intensity: 0.7 },
        runs: [{ id: task.run.runId, workflow: 'keywords' }],
      });
      const run = await t.api.request('GET', `/runs/${task.run.runId}`);
      expect(run.status).toBe(200);
      expect(Object.keys(run.body).sort()).toEqual([
        'attempts',
        'error',
        'id',
        'payloadVersion',
        'result',
        'spawnable',
        'status',
        'subjectId',
        'taskId',
        'timings',
        'workflow',
      ]);
      expect(Object.keys(run.body.timings).sort()).toEqual(['enqueuedAt', 'finishedAt', 'queuedAt', 'runAt', 'runMs', 'startedAt', 'totalMs']);
    });

    it('404 for unknown ids, 400 for malformed ones', async () => {
      const id = randomUUID();
      expect((await t.api.request('GET', `/tasks/${id}`)).body.error).toEqual({ code: 'unknown_task', message: `unknown task id: ${id}` });
      expect((await t.api.request('GET', `/runs/${id}`)).status).toBe(404);
      expect((await t.api.request('GET', `/runs/${id}`)).body.error.code).toBe('unknown_run');
      expect((await t.api.request('GET', '/runs/123')).status).toBe(400);
      expect((await t.api.request('GET', '/tasks/123')).status).toBe(400);
    });
  });

  describe('GET /runs', () => {
    it('pages newest first with a cursor: every run once, no gaps', async () => {
      const state = await t.api.request('POST', '/states', { body: { motivationType: 'autonomy', intensity: 0.5 } });
      const runIds: string[] = [];
      for (let i = 0; i < 7; i++) {
        const task = await t.api.request('POST', '/tasks', {
          body: { motivationalStateId: state.body.id, generatedPrompt: `plan ${i}; then do it`, taskPriority: 1, arbitrationScore: 0, spawn: true },
        });
        runIds.push(task.body.run.runId);
      }
      const seen: { id: string; timings: { enqueuedAt: string } }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/runs?workflow=plan-steps&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.api.request('GET', query);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen.map((r) => r.id).sort()).toEqual([...runIds].sort());
      // Newest first: (enqueuedAt, id) never increases from one item to the next, across pages.
      const keys = seen.map((r) => `${r.timings.enqueuedAt}|${r.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
    });

    it('filters by status (one or several)', async () => {
      await waitFor('outbox relayed', async () => (await t.service.controlPlane.outboxLag()).pending === 0, 15_000);
      const queued = await t.api.request('GET', '/runs?status=queued&limit=500');
      expect(queued.status).toBe(200);
      expect(queued.body.items.length).toBeGreaterThan(0);
      expect(queued.body.items.every((r: { status: string }) => r.status === 'queued')).toBe(true);
      const finished = await t.api.request('GET', '/runs?status=completed,dead');
      expect(finished.body).toEqual({ items: [], nextCursor: null });
    });

    it('400 for a bad status, limit or cursor', async () => {
      for (const query of ['status=sleeping', 'limit=0', 'limit=501', 'cursor=garbage', 'taskId=nope', 'page=2']) {
        const response = await t.api.request('GET', `/runs?${query}`);
        expect({ query, status: response.status, code: response.body.error?.code }).toEqual({ query, status: 400, code: 'invalid_request' });
      }
    });
  });

  describe('authentication', () => {
    const routes: [string, string, unknown?][] = [
      ['POST', '/states', { motivationType: 'curiosity', intensity: 0.5 }],
      ['POST', '/tasks', { motivationalStateId: 1, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0 }],
      ['POST', `/tasks/${randomUUID()}/spawn`],
      ['GET', `/tasks/${randomUUID()}`],
      ['GET', `/runs/${randomUUID()}`],
      ['GET', '/runs'],
    ];

    it('401 without a token and with a wrong one, on every API route, with a Bearer challenge', async () => {
      for (const [method, path, body] of routes) {
        for (const token of [null, 'wrong-token-wrong-token']) {
          const response = await t.api.request(method, path, { token, ...(body ? { body } : {}) });
          expect({ method, path, token, status: response.status, code: response.body.error?.code }).toEqual({
            method,
            path,
            token,
            status: 401,
            code: 'unauthorized',
          });
          expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        }
      }
    });

    it('nothing is written by a refused request', async () => {
      const before = await t.orm.em.fork().getConnection().execute('select count(*)::int as n from motivational_state');
      await t.api.request('POST', '/states', { token: null, body: { motivationType: 'curiosity', intensity: 0.5 } });
      const after = await t.orm.em.fork().getConnection().execute('select count(*)::int as n from motivational_state');
      expect(after).toEqual(before);
    });

    it('basic auth is for the dashboard only: the API wants the bearer token', async () => {
      const basic = `Basic ${Buffer.from(`admin:${TEST_TOKEN}`).toString('base64')}`;
      const response = await t.api.request('GET', '/runs', { token: null, headers: { authorization: basic } });
      expect(response.status).toBe(401);
    });

    it('probes and metrics need no token', async () => {
      for (const path of ['/health', '/ready', '/metrics']) {
        expect((await t.api.request('GET', path, { token: null })).status).toBe(200);
      }
    });
  });

  it('unknown routes are JSON 404s', async () => {
    const response = await t.api.request('GET', '/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'no route GET /nothing-here' } });
  });
});
