/**
 * Development mode (no NYX_ADMIN_TOKEN): nothing is authenticated, so the
 * service answers loopback requests only — a foreign Host (DNS rebinding)
 * or a cross-site browser request gets 403 on every route, including the
 * no-body spawn; curl-like loopback requests work as before. With a token
 * the guard is off (the token is the protection).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from './support/api-harness.js';
import { keepAliveAgent, rawRequest } from './support/raw-http.js';

describe('development mode: loopback only', () => {
  let t: TestService;
  let port: string;
  let taskId: string;

  beforeAll(async () => {
    t = await startTestService({ env: { NYX_ADMIN_TOKEN: '' } });
    expect(t.config.adminToken).toBeUndefined();
    port = new URL(t.service.url).port;
    const state = await rawRequest(t.service.url, {
      method: 'POST',
      path: '/states',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ motivationType: 'curiosity', intensity: 0.5 }),
    });
    expect(state.status).toBe(201);
    const task = await rawRequest(t.service.url, {
      method: 'POST',
      path: '/tasks',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ motivationalStateId: state.json.id, generatedPrompt: 'Map the tides.', taskPriority: 1, arbitrationScore: 0.5 }),
    });
    expect(task.status).toBe(201);
    taskId = task.json.id;
  });
  afterAll(async () => {
    keepAliveAgent.destroy();
    await t?.close();
  });

  // it.each tables are built before beforeAll runs: `:PORT` stands for the service's port.
  const withPort = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(':PORT', `:${port}`)]));
  const send = (method: string, path: string, headers: Record<string, string>) => rawRequest(t.service.url, { method, path, headers: withPort(headers) });

  it.each(['evil.example', 'evil.example:PORT', 'rebind.attacker.test:3000', '127.0.0.1.nip.io', '10.0.0.5', '[::2]:80', 'localhost:abc'])(
    '403 for Host %p, naming it, on the API, the dashboard and the probes',
    async (host) => {
      for (const [method, path] of [
        ['GET', `/tasks/${taskId}`],
        ['POST', `/tasks/${taskId}/spawn`],
        ['GET', '/admin/queues'],
        ['GET', '/metrics'],
        ['GET', '/health'],
      ] as const) {
        const response = await send(method, path, { host });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expect(response.json.error.code).toBe('foreign_request');
        expect(response.json.error.message).toContain(`Host "${withPort({ host }).host}" is not a loopback name`);
      }
    },
  );

  it.each([
    [{ origin: 'https://evil.example' }, 'Origin "https://evil.example"'],
    [{ origin: 'null' }, 'Origin "null"'],
    [{ origin: 'http://localhost.evil.example:3000' }, 'Origin "http://localhost.evil.example:3000"'],
    [{ 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site: cross-site'],
    [{ 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site: same-site'],
  ])('403 for a cross-site request (%p), even a no-body spawn', async (headers, named) => {
    const before = await t.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*)::text as n from workflow_run');
    const spawn = await send('POST', `/tasks/${taskId}/spawn`, { host: `127.0.0.1:${port}`, ...headers });
    expect(spawn.status).toBe(403);
    expect(spawn.json.error.message).toContain(named);
    const read = await send('GET', `/tasks/${taskId}`, { host: `localhost:${port}`, ...headers });
    expect(read.status).toBe(403);
    const after = await t.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*)::text as n from workflow_run');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', 'LOCALHOST:PORT', '[::1]:PORT', 'localhost', '127.0.0.1'])('loopback Host %p works as before', async (host) => {
    const response = await send('GET', `/tasks/${taskId}`, { host });
    expect(response.status).toBe(200);
    expect(response.json.id).toBe(taskId);
  });

  it('same-origin browser requests and loopback origins work; a spawn from the page succeeds', async () => {
    const browserHeaders: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` },
      { 'sec-fetch-site': 'none' },
      { origin: `http://localhost:${port}` },
      { origin: `http://[::1]:${port}` },
    ];
    for (const headers of browserHeaders) {
      const response = await send('GET', `/tasks/${taskId}`, { host: `127.0.0.1:${port}`, ...headers });
      expect({ headers, status: response.status }).toEqual({ headers, status: 200 });
    }
    const spawn = await send('POST', `/tasks/${taskId}/spawn`, {
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(spawn.status).toBe(201);
  });

  it("the dashboard's own rule stays: a cross-site change is refused there too", async () => {
    const response = await send('PUT', '/admin/queues/api/queues/workflows/pause', { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
  });
});

describe('with NYX_ADMIN_TOKEN the host guard is off', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    keepAliveAgent.destroy();
    await t?.close();
  });

  it('a foreign Host with the token is served (a reverse proxy may send any name)', async () => {
    const response = await rawRequest(t.service.url, {
      method: 'GET',
      path: `/tasks/${randomUUID()}`,
      headers: { host: 'nyx.internal.example', authorization: `Bearer ${t.config.adminToken}` },
    });
    expect(response.status).toBe(404);
  });
});
