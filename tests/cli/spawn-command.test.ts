/**
 * `nyx spawn` refuses a task whose run is not finished, as POST
 * /tasks/:id/spawn does (409 run_in_progress), naming the run; `--force`
 * spawns another. Real CLI processes against the service's database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { SHARED_REDIS_URL } from '../support/test-redis.js';
import { runNyxCli } from '../support/nyx-cli.js';
import { startTestService, type TestService } from '../control-plane/api/support/api-harness.js';

describe('nyx spawn', () => {
  let t: TestService;
  let env: Record<string, string>;
  let stateId: number;

  const createTask = async (): Promise<string> =>
    (
      await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: stateId, generatedPrompt: 'Explore tidal forces.', taskPriority: 1, arbitrationScore: 0.5 },
      })
    ).body.id;

  beforeAll(async () => {
    t = await startTestService();
    env = { DATABASE_URL: t.db.url, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: t.prefix };
    stateId = (await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } })).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a task whose run is unfinished, naming the run; --force spawns another', async () => {
    const taskId = await createTask();
    const first = await runNyxCli(['spawn', taskId], env);
    expect(first.code).toBe(0);
    const [runId] = first.stdout.trim().split('\t');
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const second = await runNyxCli(['spawn', taskId], env);
    // RunInProgressError is kind `conflict`: exit 2, like every refusal the caller can act on.
    expect(second.code).toBe(2);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`task ${taskId} already has run ${runId}`);
    expect(second.stderr).toContain('--force');
    expect(await t.orm.em.fork().count(WorkflowRun, { taskId: taskId })).toBe(1);

    const forced = await runNyxCli(['spawn', '--force', taskId], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout.split('\t')[0]).not.toBe(runId);
    expect(await t.orm.em.fork().count(WorkflowRun, { taskId: taskId })).toBe(2);
  });

  it('several ids: one in progress refuses them all (one transaction), naming it', async () => {
    const [busy, idle] = [await createTask(), await createTask()];
    expect((await runNyxCli(['spawn', busy], env)).code).toBe(0);
    const both = await runNyxCli(['spawn', idle, busy], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(`task ${busy} already has run`);
    expect(await t.orm.em.fork().count(WorkflowRun, { taskId: idle })).toBe(0);
  });
});
