/**
 * `nyx spawn` as a real process: task ids are accepted in any case (they
 * used to be "unknown task id" in upper case) and printed in lower case,
 * the form PostgreSQL and the API use.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';

function runNyx(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, ...env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('nyx spawn', () => {
  const prefix = uniquePrefix('spawn-cli');
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('accepts an upper-case task id and prints the lower-case one', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const { code, stdout, stderr } = await runNyx(['spawn', taskId!.toUpperCase()], {
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [runId, printedTaskId] = stdout.trim().split('\t');
    expect(printedTaskId).toBe(taskId);
    const run = await orm.em.fork().findOneOrFail(WorkflowRun, { id: runId! });
    expect(run.taskId).toBe(taskId);
  }, 60_000);
});
