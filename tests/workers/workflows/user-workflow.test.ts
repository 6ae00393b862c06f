/**
 * A user workflow end to end, across real processes: defined with
 * defineWorkflow in its own module, loaded by a worker process through
 * NYX_WORKFLOW_MODULES — by the worker and by the control plane, whose
 * producer must know it to accept its tasks; tasks
 * spawned with extra metadata through ControlPlane.spawn reach it in the
 * payload, and its output is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ControlPlane } from '../../../src/control-plane/control-plane.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { MotivationalTask, WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { silentLog, testConfig } from '../../support/test-config.js';
import { waitFor } from '../../support/wait-for.js';

const WORKFLOW_MODULE = fileURLToPath(new URL('./support/echo-metadata.workflow.ts', import.meta.url));

describe('a user workflow registered through NYX_WORKFLOW_MODULES', () => {
  const prefix = uniquePrefix('user-wf');
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane;
  let pool: WorkerPool;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix, NYX_WORKFLOW_MODULES: WORKFLOW_MODULE });
    cp = await ControlPlane.open({ config, redisUrl: SHARED_REDIS_URL, log: silentLog, orm });
    await cp.start();
    pool = await WorkerPool.start({
      count: 1,
      env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', NYX_WORKFLOW_MODULES: WORKFLOW_MODULE },
    });
  });

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('runs it on spawned tasks with the extra metadata merged into each payload', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 4, motivationTypes: ['echo'] });
    const runs = await cp.spawn(taskIds, { metadata: { requestedBy: 'ops', source: 'api' } });
    expect(runs.map((r) => r.workflow)).toEqual(Array(4).fill('echo-metadata'));

    const ids = runs.map((r) => r.runId);
    const em = orm.em.fork();
    const recorded = await waitFor('4 completed runs', async () => {
      const found = await em.fork().find(WorkflowRun, { id: { $in: ids }, status: 'completed' });
      return found.length === 4 ? found : null;
    });
    const tasks = new Map((await em.fork().find(MotivationalTask, { id: { $in: taskIds } })).map((t) => [t.id, t]));
    for (const run of recorded) {
      const index = taskIds.indexOf(run.taskId!);
      expect(run.result).toEqual({
        taskId: run.taskId,
        promptLength: tasks.get(run.taskId!)!.generatedPrompt.length,
        // seedTasks gave { seed: index, source: 'demo' }; the spawn call's keys win.
        metadata: { seed: index, source: 'api', requestedBy: 'ops' },
        runId: run.id,
        attempt: 1,
      });
    }
  });
});
