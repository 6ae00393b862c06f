/**
 * `nyx start` and `nyx worker` as real processes, both given a user workflow
 * module through NYX_WORKFLOW_MODULES: the service accepts a task for the
 * user workflow's motivation type (it resolves the same registry the worker
 * does), and the run completes with that workflow's result, all through the
 * HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../../src/tools/demo/worker-pool.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { apiClient, TEST_TOKEN, type ApiClient } from './support/api-harness.js';

const WORKFLOW_MODULE = fileURLToPath(new URL('../../workers/workflows/support/echo-metadata.workflow.ts', import.meta.url));

function runNyx(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output };
}

describe('nyx start + nyx worker with NYX_WORKFLOW_MODULES (real processes)', () => {
  const prefix = uniquePrefix('start-user-wf');
  let db: TestDatabase;
  let service: ReturnType<typeof runNyx>;
  let worker: ReturnType<typeof runNyx>;
  let api: ApiClient;

  beforeAll(async () => {
    let orm;
    ({ db, orm } = await createMigratedDatabase());
    await orm.close();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      NYX_WORKFLOW_MODULES: WORKFLOW_MODULE,
      PORT: '0',
      HOST: '127.0.0.1',
      NYX_ADMIN_TOKEN: TEST_TOKEN,
      LOG_LEVEL: 'info',
    };
    service = runNyx(['start'], env);
    worker = runNyx(['worker'], { ...env, NYX_WORKER_CONCURRENCY: '2' });
    const started = await waitFor(
      'nyx start to log its url',
      () => {
        const line = service
          .output()
          .split('\n')
          .slice(0, -1) // only complete lines: the output may end mid-line
          .find((l) => l.includes('"control plane started"'));
        if (!line && service.child.exitCode !== null) throw new Error(`nyx start exited ${service.child.exitCode}: ${service.output()}`);
        return line ? (JSON.parse(line) as { url: string }) : null;
      },
      30_000,
    );
    api = apiClient(started.url);
  });

  afterAll(async () => {
    if (worker?.child) await stopChild(worker.child, 'SIGKILL');
    if (service?.child) await stopChild(service.child, 'SIGKILL');
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('spawns a task for the user workflow and records its result', async () => {
    const state = await api.request('POST', '/states', { body: { motivationType: 'echo', intensity: 0.5 } });
    expect(state.status).toBe(201);
    const task = await api.request('POST', '/tasks', {
      body: {
        motivationalStateId: state.body.id,
        generatedPrompt: 'Echo this back',
        taskPriority: 1,
        arbitrationScore: 1,
        metadata: { requestedBy: 'ops' },
        spawn: true,
      },
    });
    expect(task.status).toBe(201);
    expect(task.body.run).toMatchObject({ workflow: 'echo-metadata' });
    const runId: string = task.body.run.runId;

    const run = await waitFor(
      `run ${runId} completed`,
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`nyx worker exited ${worker.child.exitCode}: ${worker.output()}`);
        const response = await api.request('GET', `/runs/${runId}`);
        return response.body.status === 'completed' ? response.body : null;
      },
      30_000,
    );
    expect(run).toMatchObject({ id: runId, workflow: 'echo-metadata', status: 'completed' });
    expect(run.result).toEqual({
      taskId: task.body.id,
      promptLength: 'Echo this back'.length,
      metadata: { requestedBy: 'ops' },
      runId,
      attempt: 1,
    });
  });
});
