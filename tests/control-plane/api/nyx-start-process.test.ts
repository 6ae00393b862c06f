/**
 * `nyx start` as a real process: it refuses an unsafe bind with exit code 2
 * and one line; otherwise it migrates (--migrate), serves HTTP, logs JSON
 * lines (run, job and task ids on the lines about a run), and stops cleanly
 * on SIGTERM with exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { migrationsList } from '../../../src/control-plane/db/migrations/index.js';
import { stopChild } from '../../../src/tools/demo/worker-pool.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { apiClient, TEST_TOKEN } from './support/api-harness.js';

function runNyx(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // The sources through tsx: the same CLI bin/nyx.js runs once built (tests/package covers the built bin).
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nyx did not exit in time: ${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('nyx start (real process)', () => {
  it('exits 2 with one line when asked to listen beyond loopback without a token', async () => {
    const { code, stdout, stderr } = await finished(runNyx(['start'], { ...process.env, HOST: '0.0.0.0', NYX_ADMIN_TOKEN: '', PORT: '0' }));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^nyx: refusing to listen on HOST=0\.0\.0\.0 without NYX_ADMIN_TOKEN/);
  });

  it('exits 2 for a token too short to be a secret', async () => {
    const { code, stderr } = await finished(runNyx(['start'], { ...process.env, NYX_ADMIN_TOKEN: 'short', PORT: '0' }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/NYX_ADMIN_TOKEN: at least 16 characters/);
  });

  describe('serving', () => {
    const prefix = uniquePrefix('start');
    let db: TestDatabase;
    let child: ChildProcess;
    let exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
    let url: string;

    beforeAll(async () => {
      db = await createTestDatabase(); // not migrated: --migrate does it
      child = runNyx(['start', '--migrate'], {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        NYX_QUEUE_PREFIX: prefix,
        PORT: '0',
        HOST: '127.0.0.1',
        NYX_ADMIN_TOKEN: TEST_TOKEN,
        LOG_LEVEL: 'info',
      });
      exit = finished(child, 60_000);
      let seen = '';
      url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started: ${seen}`)), 30_000);
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          // Only complete lines: a chunk may end in the middle of the one we want.
          const line = seen
            .split('\n')
            .slice(0, -1)
            .find((l) => l.includes('"control plane started"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line).url);
          }
        });
        void exit.then(({ code, stderr }) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
    });

    afterAll(async () => {
      if (child) await stopChild(child, 'SIGKILL');
      await db?.drop();
      await deletePrefix(SHARED_REDIS_URL, prefix);
    });

    it('serves the API over HTTP and stops on SIGTERM with exit code 0; its logs are JSON lines with run/job/task ids', async () => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const api = apiClient(url);
      expect((await api.request('GET', '/health')).status).toBe(200);
      const ready = await api.request('GET', '/ready');
      expect(ready.body).toEqual({ status: 'ready', checks: { postgres: { ok: true }, migrations: { ok: true }, redis: { ok: true } } });
      const state = await api.request('POST', '/states', { body: { motivationType: 'mastery', intensity: 0.9 } });
      const task = await api.request('POST', '/tasks', {
        body: { motivationalStateId: state.body.id, generatedPrompt: 'Practice scales; then record', taskPriority: 2, arbitrationScore: 1, spawn: true },
      });
      expect(task.status).toBe(201);
      expect((await api.request('GET', '/runs', { token: null })).status).toBe(401);

      child.kill('SIGTERM');
      const { code, stdout } = await exit;
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const line of lines) expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
      expect(lines.find((l) => l.msg === 'migrations applied')).toMatchObject({ applied: migrationsList.map((m) => m.name) });
      expect(lines.find((l) => l.msg === 'run spawned')).toEqual(
        expect.objectContaining({ runId: task.body.run.runId, jobId: task.body.run.runId, taskId: task.body.id, workflow: 'plan-steps' }),
      );
      expect(lines.find((l) => l.msg === 'request' && l.url === '/tasks')).toMatchObject({ method: 'POST', statusCode: 201 });
      expect(lines.some((l) => String(l.msg).startsWith('control plane stopping'))).toBe(true);
      // The bearer token never reaches the log.
      expect(stdout).not.toContain(TEST_TOKEN);
    });
  });
});
