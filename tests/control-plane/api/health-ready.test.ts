/**
 * /health, /ready and the 503s: a database without migrations, then
 * PostgreSQL and Redis taken away from the service (through TCP proxies the
 * test cuts — the shared servers keep running) and given back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrationsList } from '../../../src/control-plane/db/migrations/index.js';
import { migrateUp } from '../../../src/control-plane/db/orm.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, type TestService } from './support/api-harness.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

describe('GET /ready on a database without migrations', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService({ migrated: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is alive but not ready (503, naming the pending migration) until `migrate` ran', async () => {
    expect((await t.api.request('GET', '/health')).body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    const before = await t.api.request('GET', '/ready');
    expect(before.status).toBe(503);
    expect(before.body).toEqual({
      status: 'not ready',
      checks: {
        postgres: { ok: true },
        redis: { ok: true },
        migrations: { ok: false, pending: migrationsList.map((m) => m.name), error: expect.stringContaining('nyx migrate') },
      },
    });
    await migrateUp(t.orm);
    const after = await t.api.request('GET', '/ready');
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ready');
  });
});

describe('dependencies down', () => {
  let t: TestService;
  let pg: TcpProxy;
  let redis: TcpProxy;
  let stateId: number;

  beforeAll(async () => {
    pg = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
    redis = await TcpProxy.start({ host: '127.0.0.1', port: 6379 });
    t = await startTestService({
      databaseUrl: (url) => {
        const proxied = new URL(url);
        proxied.port = String(pg.port);
        return proxied.toString();
      },
      redisUrl: `redis://127.0.0.1:${redis.port}`,
    });
    stateId = (await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } })).body.id;
  });

  afterAll(async () => {
    await pg?.restore();
    await redis?.restore();
    await t?.close();
    await pg?.close();
    await redis?.close();
  });

  it('PostgreSQL down: /ready 503 names it, API calls 503 with Retry-After, /health stays 200; back when it is', async () => {
    expect((await t.api.request('GET', '/ready')).status).toBe(200);
    await pg.cut();

    const ready = await t.api.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres.ok).toBe(false);
    expect(ready.body.checks.migrations).toEqual({ ok: false, error: 'not checked: PostgreSQL is unreachable' });
    expect(ready.body.checks.redis).toEqual({ ok: true });

    for (const [method, path, body] of [
      ['GET', '/runs'],
      ['POST', '/states', { motivationType: 'curiosity', intensity: 0.5 }],
      ['POST', '/tasks', { motivationalStateId: stateId, generatedPrompt: 'x', taskPriority: 1, arbitrationScore: 0, spawn: true }],
    ] as const) {
      const response = await t.api.request(method, path, body ? { body } : {});
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({ path, status: 503, code: 'postgres_unavailable' });
      expect(response.headers.get('retry-after')).toBe('5');
    }
    expect((await t.api.request('GET', '/health')).status).toBe(200);

    await pg.restore();
    await waitFor('ready again', async () => (await t.api.request('GET', '/ready')).status === 200, 20_000);
    expect((await t.api.request('GET', '/runs')).status).toBe(200);
  });

  it('Redis down: /ready and /metrics 503 — but spawning still works (the outbox holds the run) and it goes out once Redis is back', async () => {
    await redis.cut();
    const ready = await t.api.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ postgres: { ok: true }, migrations: { ok: true }, redis: { ok: false } });
    const metrics = await t.api.request('GET', '/metrics');
    expect(metrics.status).toBe(503);
    expect(metrics.body.error.code).toBe('redis_unavailable');

    const task = await t.api.request('POST', '/tasks', {
      body: { motivationalStateId: stateId, generatedPrompt: 'Spawned while Redis is away', taskPriority: 1, arbitrationScore: 0, spawn: true },
    });
    expect(task.status).toBe(201);
    const runId = task.body.run.runId;
    expect((await t.api.request('GET', `/runs/${runId}`)).body.status).toBe('pending');
    expect((await t.service.controlPlane.outboxLag()).pending).toBe(1);

    await redis.restore();
    await waitFor('run relayed after Redis came back', async () => (await t.api.request('GET', `/runs/${runId}`)).body.status === 'queued', 30_000);
    await waitFor('ready again', async () => (await t.api.request('GET', '/ready')).status === 200, 20_000);
    // The recorder's own (blocking) connection is back too: it shows up as a worker of the results queue.
    // (Closing it before it reconnected would hang: BullMQ 6.7's Worker.close() waits for a reconnect.)
    await waitFor(
      'recorder reconnected',
      async () => {
        const metrics = await t.api.request('GET', '/metrics');
        return metrics.status === 200 && /^nyx_queue_workers\{queue="results"\} 1$/m.test(metrics.text);
      },
      20_000,
    );
  });
});
