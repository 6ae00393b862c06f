/**
 * Who gets in, in each mode: with a token (dashboard by bearer or basic
 * auth, API by bearer), read-only (changes refused with 405, by the API and
 * by bull-board), and without a token (open, so only loopback is allowed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startService } from '../../../src/control-plane/api/start-service.js';
import { silentLog, testConfig } from '../../support/test-config.js';
import { apiClient, startTestService, TEST_TOKEN, type TestService } from './support/api-harness.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('dashboard authentication', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('401 without credentials on the page, its static files and its JSON API — with a Basic challenge so a browser asks', async () => {
    for (const path of ['/admin/queues', '/admin/queues/queue/workflows', '/admin/queues/static/favicon-32x32.png', '/admin/queues/api/queues']) {
      const response = await t.api.request('GET', path, { token: null });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="nyx dashboard", charset="UTF-8"');
      expect(response.body.error.code).toBe('unauthorized');
      expect(response.text).not.toContain('<html');
    }
    const retry = await t.api.request('PUT', '/admin/queues/api/queues/workflows/some-job/retry', { token: null });
    expect(retry.status).toBe(401);
  });

  it('401 for a wrong password or token', async () => {
    expect((await t.api.request('GET', '/admin/queues', { token: null, headers: { authorization: basic('admin', 'not-the-token') } })).status).toBe(401);
    expect((await t.api.request('GET', '/admin/queues', { token: 'not-the-token-at-all' })).status).toBe(401);
    expect((await t.api.request('GET', '/admin/queues', { token: null, headers: { authorization: `Basic ${TEST_TOKEN}` } })).status).toBe(401);
  });

  it('200 with the token as basic-auth password (any user name) or as bearer token', async () => {
    for (const authorization of [basic('admin', TEST_TOKEN), basic('', TEST_TOKEN), `Bearer ${TEST_TOKEN}`]) {
      const page = await t.api.request('GET', '/admin/queues', { token: null, headers: { authorization } });
      expect(page.status).toBe(200);
      expect(page.text).toContain('<base href="/admin/queues/"');
    }
    const queues = await t.api.request('GET', '/admin/queues/api/queues', { token: null, headers: { authorization: basic('ops', TEST_TOKEN) } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual(['workflows', 'results', 'dead-letters']);
    expect(queues.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode === false)).toBe(true);
  });
});

describe('dashboard: changes sent from another site', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  const addJob = (headers: Record<string, string>) =>
    t.api.request('POST', '/admin/queues/api/queues/workflows/add', { body: { name: 'planted', data: { schema: 'x' }, options: {} }, headers });

  it('are refused (403) when the browser marks them cross-site — the basic-auth credentials it sends on its own do not count', async () => {
    const marks: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://sub.example' },
    ];
    for (const headers of marks) {
      const response = await addJob(headers);
      expect({ headers, status: response.status, code: response.body.error?.code }).toEqual({ headers, status: 403, code: 'cross_site_request' });
    }
    const pause = await t.api.request('PUT', '/admin/queues/api/queues/workflows/pause', { headers: { origin: 'http://evil.example' } });
    expect(pause.status).toBe(403);
    const workflows = t.service.controlPlane.queue('workflows');
    expect(await workflows.isPaused()).toBe(false);
    expect(await workflows.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(0);
  });

  it('pass from the dashboard itself (same origin) and from non-browser clients', async () => {
    const workflows = t.service.controlPlane.queue('workflows');
    const sameOrigin = await t.api.request('PUT', '/admin/queues/api/queues/workflows/pause', {
      headers: { origin: t.service.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBeLessThan(300);
    expect(await workflows.isPaused()).toBe(true);
    const script = await t.api.request('PUT', '/admin/queues/api/queues/workflows/resume');
    expect(script.status).toBeLessThan(300);
    expect(await workflows.isPaused()).toBe(false);
  });
});

describe('read-only mode (NYX_READ_ONLY=true)', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService({ env: { NYX_READ_ONLY: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('API: every change is 405 with Allow: GET, HEAD; reads still work', async () => {
    for (const [path, body] of [
      ['/states', { motivationType: 'curiosity', intensity: 0.5 }],
      ['/tasks', { motivationalStateId: 1, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0 }],
      ['/tasks/2a3a7c1e-52f4-4a39-9a3f-6f4f8b6f0c11/spawn', undefined],
    ] as const) {
      const response = await t.api.request('POST', path, body ? { body } : {});
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({ path, status: 405, code: 'read_only' });
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    expect((await t.api.request('GET', '/runs')).status).toBe(200);
    expect(await t.orm.em.fork().getConnection().execute('select count(*)::int as n from motivational_state')).toEqual([{ n: 0 }]);
  });

  it('authentication still comes first: 401 without a token, not 405', async () => {
    expect((await t.api.request('POST', '/states', { token: null, body: {} })).status).toBe(401);
  });

  it('dashboard: bull-board refuses changes with 405 and reports the queues read-only', async () => {
    const queues = await t.api.request('GET', '/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    expect(queues.body.queues.every((q: { readOnlyMode: boolean; allowRetries: boolean }) => q.readOnlyMode && !q.allowRetries)).toBe(true);
    const pause = await t.api.request('PUT', '/admin/queues/api/queues/workflows/pause');
    expect(pause.status).toBe(405);
    expect(pause.headers.get('allow')).toBe('GET, HEAD');
    const add = await t.api.request('POST', '/admin/queues/api/queues/workflows/add', { body: { name: 'x', data: {}, options: {} } });
    expect(add.status).toBe(405);
    const workflows = t.service.controlPlane.queue('workflows');
    expect(await workflows.isPaused()).toBe(false);
    expect(await workflows.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(0);
  });
});

describe('without NYX_ADMIN_TOKEN', () => {
  it('refuses to listen beyond loopback, before opening anything', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      // DATABASE_URL points nowhere on purpose: the check must come before any connection.
      const config = testConfig({ HOST: host, PORT: '0', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
      await expect(startService(config, { log: silentLog })).rejects.toMatchObject({
        name: 'ConfigError',
        message: expect.stringContaining(`refusing to listen on HOST=${host} without NYX_ADMIN_TOKEN`),
      });
    }
  });

  it('on loopback the API and dashboard are open (local development)', async () => {
    const t = await startTestService({ env: { NYX_ADMIN_TOKEN: '' } });
    try {
      expect(t.config.adminToken).toBeUndefined();
      const open = apiClient(t.service.url, null);
      expect((await open.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } })).status).toBe(201);
      expect((await open.request('GET', '/admin/queues')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
