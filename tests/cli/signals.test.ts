/**
 * SIGTERM to the command the docs give for running the service reaches it:
 * `npm start` and `npm run worker` (npm scripts that `exec` node, so the tree
 * is npm → node with no shell or tsx wrapper left behind) and
 * `node bin/nyx.js start` (what containers and process managers run). Each
 * stops gracefully: its shutdown log line, exit code 0, and for the control
 * plane the HTTP port is free afterwards. Real processes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { canConnect } from '../../src/tools/demo/ensure-redis.js';
import { stopChild } from '../../src/tools/demo/worker-pool.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { env: { ...process.env, ...env, LOG_LEVEL: 'info', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

function within<T>(work: Promise<T>, ms: number, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM: ${output().slice(-2_000)}`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('SIGTERM to the documented commands', () => {
  const prefix = uniquePrefix('signals');
  let db: TestDatabase;
  const started: Started[] = [];

  beforeAll(async () => {
    const migrated = await createMigratedDatabase();
    db = migrated.db;
    await migrated.orm.close();
  });

  afterAll(async () => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) await stopChild(s.child, 'SIGKILL');
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it.each([
    ['npm start', 'npm', ['start']],
    ['node bin/nyx.js start', process.execPath, ['bin/nyx.js', 'start']],
  ])('%s: stops gracefully, exit 0, port free', async (_what, command, args) => {
    const s = start(command, args, { DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, PORT: '0', HOST: '127.0.0.1' });
    started.push(s);
    const url = await waitFor(
      'control plane started',
      () => /"msg":"control plane started"/.test(s.output()) && /"url":"(http:[^"]+)"/.exec(s.output())?.[1],
      60_000,
    );
    const port = Number(new URL(url).port);
    expect(await canConnect(port)).toBe(true);

    s.child.kill('SIGTERM');
    const { code } = await within(s.exited, 45_000, s.output);
    expect(code).toBe(0);
    expect(s.output()).toContain('control plane stopping');
    expect(await canConnect(port)).toBe(false);
  });

  it('npm run worker: stops gracefully, exit 0', async () => {
    const s = start('npm', ['run', 'worker'], { REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix });
    started.push(s);
    await waitFor('worker ready', () => s.output().includes('"msg":"worker ready"'), 60_000);
    s.child.kill('SIGTERM');
    const { code } = await within(s.exited, 45_000, s.output);
    expect(code).toBe(0);
    expect(s.output()).toContain('"msg":"worker stopped"');
  });
});
