/**
 * A worker started while Redis is down says so in structured lines ("waiting
 * for Redis at …", with a growing retry delay) instead of raw ioredis dumps,
 * and becomes ready (log line and IPC message) once a Redis appears on that
 * port. Its log lines are JSON, carry `pid` once and no empty fields.
 * Real worker process, a port where nothing listens, then a private
 * redis-server started on it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, startPrivateRedis } from '../../src/tools/demo/ensure-redis.js';
import { stopChild, WORKER_ENTRY } from '../../src/tools/demo/worker-pool.js';
import { uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

type Line = Record<string, unknown>;

function emptyFields(value: unknown, path = ''): string[] {
  if (value === '') return [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => emptyFields(v, path ? `${path}.${k}` : k));
  return [];
}

describe('worker with Redis down at start', () => {
  let child: ChildProcess | undefined;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;

  afterAll(async () => {
    if (child) await stopChild(child, 'SIGKILL');
    await redis?.stop();
  });

  it('logs "waiting for Redis at …" with backoff, then "worker ready" once Redis answers', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, NYX_QUEUE_PREFIX: uniquePrefix('wait-redis'), LOG_LEVEL: 'info', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    const messages: unknown[] = [];
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('message', (m) => messages.push(m));
    const lines = (): Line[] =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
    const waiting = () => lines().filter((l) => l.msg === `waiting for Redis at 127.0.0.1:${port}`);

    await waitFor('three "waiting for Redis" lines', async () => waiting().length >= 3, 30_000);
    const [first, second, third] = waiting();
    expect(first).toMatchObject({ level: 40, attempt: 1, retryInMs: expect.any(Number), error: expect.stringContaining('ECONNREFUSED') });
    expect(second!.retryInMs as number).toBeGreaterThan(first!.retryInMs as number);
    expect(third!.retryInMs as number).toBeGreaterThan(second!.retryInMs as number);
    expect(stderr).toBe('');
    expect(lines().some((l) => l.msg === 'worker ready')).toBe(false);

    redis = await startPrivateRedis(port);
    await waitFor('worker ready', async () => lines().some((l) => l.msg === 'worker ready'), 30_000);
    await waitFor('the ready message', async () => messages.some((m) => (m as { type?: string }).type === 'ready'), 5_000);
    const ready = lines().find((l) => l.msg === 'worker ready')!;
    expect(ready).toMatchObject({
      redis: `127.0.0.1:${port}`,
      queues: [expect.objectContaining({ queue: expect.any(String), concurrency: expect.any(Number) })],
    });
    expect(emptyFields(ready)).toEqual([]);
    const readyText = stdout.split('\n').find((l) => l.includes('"worker ready"'))!;
    expect(readyText.match(/"pid":/g)).toHaveLength(1);
    expect(stderr).toBe('');

    child.kill('SIGTERM');
    await waitFor('worker exit', async () => child!.exitCode !== null, 30_000);
    expect(child.exitCode).toBe(0);
  });
});
