/**
 * Hostile input at the edges, one case each, over real HTTP against real
 * PostgreSQL: every case below answered 500 or 503 (or stored altered text)
 * before the checks of json-body-parser.ts, validation.ts and
 * src/dto/input-limits.ts existed. Each answer is a 4xx naming the field,
 * and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { METADATA_LIMITS } from '../../../src/dto/input-limits.js';
import { startTestService, TEST_TOKEN, type TestService } from './support/api-harness.js';
import { keepAliveAgent, rawRequest, type RawResponse } from './support/raw-http.js';

/** `{"a":{"a":…{}…}}`, `levels` objects deep (the outer one is level 1). */
export const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

describe('hostile input', () => {
  let t: TestService;
  let stateId: number;

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(t.service.url, {
      method: 'POST',
      path,
      body,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
    });
  const get = (path: string) => rawRequest(t.service.url, { method: 'GET', path, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const taskBody = (extra: Record<string, unknown> = {}) => ({
    motivationalStateId: stateId,
    generatedPrompt: 'Chart the tides.',
    taskPriority: 1,
    arbitrationScore: 0.5,
    ...extra,
  });
  const taskCount = async () => (await t.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*)::text as n from motivational_task'))[0]!.n;

  const expectRefused = (response: RawResponse, status: number, code: string, ...named: (string | RegExp)[]) => {
    expect({ status: response.status, code: response.json?.error?.code }).toEqual({ status, code });
    for (const part of named) expect(response.json.error.message).toMatch(part);
  };

  beforeAll(async () => {
    t = await startTestService();
    const state = await post('/states', JSON.stringify({ motivationType: 'curiosity', intensity: 0.5 }));
    expect(state.status).toBe(201);
    stateId = state.json.id;
  });
  afterAll(async () => {
    keepAliveAgent.destroy();
    await t?.close();
  });

  describe('nesting, on the raw text before any parser', () => {
    it.each([40, 5_000, 20_000])('a body %i levels deep is 400 naming the limit and where', async (levels) => {
      const before = await taskCount();
      const body = `{"motivationalStateId":${stateId},"generatedPrompt":"x","taskPriority":1,"arbitrationScore":0.5,"metadata":${nestedObjects(levels)}}`;
      const response = await post('/tasks', body);
      expectRefused(response, 400, 'input_limit_exceeded', /^body\.metadata\.a\.a/, /deeper than the limit of 32 levels \(NYX_HTTP_MAX_DEPTH\)/);
      expect(await taskCount()).toBe(before);
    });

    it('arrays too, and brackets inside strings do not count', async () => {
      expectRefused(await post('/states', `[${'['.repeat(40)}${']'.repeat(40)}]`), 400, 'input_limit_exceeded', /^body\[0\]\[0\]/);
      const quoted = JSON.stringify({ motivationType: 'curiosity', intensity: 0.5, description: '{['.repeat(500) });
      expect((await post('/states', quoted)).status).toBe(201);
    });
  });

  describe('metadata limits (the same ones spawn applies to stored data)', () => {
    const deep = (levels: number): unknown => (levels <= 1 ? {} : { a: deep(levels - 1) });

    it(`depth: ${METADATA_LIMITS.maxDepth} levels pass, one more is 400`, async () => {
      expect((await post('/tasks', JSON.stringify(taskBody({ metadata: deep(METADATA_LIMITS.maxDepth) })))).status).toBe(201);
      expectRefused(
        await post('/tasks', JSON.stringify(taskBody({ metadata: deep(METADATA_LIMITS.maxDepth + 1) }))),
        400,
        'input_limit_exceeded',
        /^body\.metadata(\.a)+: nested deeper than the limit of 16 levels/,
      );
    });

    it(`key count: ${METADATA_LIMITS.maxKeys} pass, one more is 400`, async () => {
      const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
      expect((await post('/tasks', JSON.stringify(taskBody({ metadata: keys(METADATA_LIMITS.maxKeys) })))).status).toBe(201);
      expectRefused(
        await post('/tasks', JSON.stringify(taskBody({ metadata: { nested: keys(METADATA_LIMITS.maxKeys) } }))),
        400,
        'input_limit_exceeded',
        /^body\.metadata\.nested: more than the limit of 1000 keys/,
      );
    });

    it(`string length: ${METADATA_LIMITS.maxStringLength} characters pass, one more is 400`, async () => {
      expect((await post('/tasks', JSON.stringify(taskBody({ metadata: { note: 'x'.repeat(METADATA_LIMITS.maxStringLength) } })))).status).toBe(201);
      expectRefused(
        await post('/tasks', JSON.stringify(taskBody({ metadata: { notes: ['ok', 'x'.repeat(METADATA_LIMITS.maxStringLength + 1)] } }))),
        400,
        'input_limit_exceeded',
        /^body\.metadata\.notes\[1\]: string of 10001 characters is longer than the limit of 10000/,
      );
    });

    it('413 for a body over NYX_HTTP_BODY_LIMIT, before it is parsed', async () => {
      const response = await post('/tasks', `{"metadata":"${'x'.repeat(t.config.httpBodyLimit)}"}`);
      expectRefused(response, 413, 'payload_too_large');
    });
  });

  describe('text PostgreSQL cannot store: refused, never rewritten', () => {
    it.each([
      ['generatedPrompt', '/tasks', () => taskBody({ generatedPrompt: 'before\u0000after' }), /^body\.generatedPrompt: text contains a NUL/],
      ['description', '/states', () => ({ motivationType: 'curiosity', intensity: 0.5, description: 'a\u0000b' }), /^body\.description: text contains a NUL/],
      [
        'metadata value',
        '/tasks',
        () => taskBody({ metadata: { deep: { list: ['ok', 'x\u0000'] } } }),
        /^body\.metadata\.deep\.list\[1\]: text contains a NUL/,
      ],
      ['metadata key', '/tasks', () => taskBody({ metadata: { 'k\u0000': 1 } }), /^body\.metadata\["k\\u0000"\]: key contains a NUL/],
      [
        'lone high surrogate in the prompt',
        '/tasks',
        () => taskBody({ generatedPrompt: 'emoji half: \ud83d' }),
        /^body\.generatedPrompt: text contains a lone UTF-16 surrogate/,
      ],
      [
        'lone low surrogate in metadata',
        '/tasks',
        () => taskBody({ metadata: { s: '\ude00 tail' } }),
        /^body\.metadata\.s: text contains a lone UTF-16 surrogate/,
      ],
    ])('%s: 400 naming the field', async (_what, path, body, named) => {
      const before = await taskCount();
      // JSON.stringify escapes lone surrogates (\ud83d) and NUL (\u0000): the service decodes them itself.
      expectRefused(await post(path, JSON.stringify(body())), 400, 'unstorable_text', named);
      expect(await taskCount()).toBe(before);
    });

    it('a whole emoji (a surrogate pair) is stored and echoed unchanged', async () => {
      const response = await post('/tasks', JSON.stringify(taskBody({ generatedPrompt: 'waves 🌊 and \u00e9' })));
      expect(response.status).toBe(201);
      const stored = await get(`/tasks/${response.json.id}`);
      expect(stored.json.generatedPrompt).toBe('waves 🌊 and \u00e9');
    });

    it('bytes that are not UTF-8 are 400, not decoded to U+FFFD', async () => {
      const body = Buffer.concat([
        Buffer.from(`{"motivationType":"curiosity","intensity":0.5,"description":"`),
        Buffer.from([0xed, 0xa0, 0xbd, 0xff]),
        Buffer.from('"}'),
      ]);
      expectRefused(await post('/states', body), 400, 'invalid_encoding', /not valid UTF-8/);
    });

    it.each([
      ['/runs?workflow=a%00b', /^query\.workflow: text contains a NUL/],
      ['/runs/abc%00def', /^params\.id: text contains a NUL/],
    ])('GET %s: 400 naming the parameter', async (path, named) => {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(response.json.error.message).toMatch(named);
    });
  });

  describe('prototype-pollution keys', () => {
    it.each([
      ['{"__proto__":{"admin":true},"motivationType":"curiosity","intensity":0.5}', '/states', /^body\.__proto__: the key "__proto__" is refused/],
      [
        '{"motivationalStateId":1,"generatedPrompt":"x","taskPriority":1,"arbitrationScore":0.5,"metadata":{"a":[{"__proto__":1}]}}',
        '/tasks',
        /^body\.metadata\.a\[0\]\.__proto__: the key "__proto__"/,
      ],
      ['{"metadata":{"constructor":{"prototype":{"polluted":true}}}}', '/tasks', /^body\.metadata\.constructor: the key "constructor" is refused/],
    ])('%s: 400 naming the key', async (body, path, named) => {
      expectRefused(await post(path, body), 400, 'forbidden_key', named);
    });

    it('"constructor" holding plain data is just a key', async () => {
      expect((await post('/tasks', JSON.stringify(taskBody({ metadata: { constructor: 'Brunel' } })))).status).toBe(201);
    });
  });

  describe('values the database would refuse', () => {
    it.each(['0000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z'])('a cursor dated %s is 400', async (at) => {
      const cursor = Buffer.from(JSON.stringify([at, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
      const response = await get(`/runs?cursor=${cursor}`);
      expectRefused(response, 400, 'invalid_request', /query\.cursor/);
    });
  });

  describe('upper-case UUIDs are the same ids', () => {
    it('GET, spawn and a client-chosen id accept any case and answer in lower case', async () => {
      const id = 'A1B2C3D4-E5F6-4789-ABCD-EF0123456789';
      const created = await post('/tasks', JSON.stringify(taskBody({ id })));
      expect(created.status).toBe(201);
      expect(created.json.id).toBe(id.toLowerCase());
      expect((await get(`/tasks/${id}`)).json.id).toBe(id.toLowerCase());
      const spawned = await post(`/tasks/${id}/spawn`, JSON.stringify({}));
      expect(spawned.status).toBe(201);
      expect(spawned.json.taskId).toBe(id.toLowerCase());
      const listed = await get(`/runs?taskId=${id}`);
      expect(listed.json.items.map((run: { id: string }) => run.id)).toEqual([spawned.json.runId]);
      expect((await get(`/runs/${spawned.json.runId.toUpperCase()}`)).json.id).toBe(spawned.json.runId);
      // A retried POST with the other case is the same id: 409, not a second task.
      expect((await post('/tasks', JSON.stringify(taskBody({ id: id.toLowerCase() })))).status).toBe(409);
    });
  });
});
