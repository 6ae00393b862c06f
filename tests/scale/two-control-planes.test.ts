/**
 * Two `nyx start` processes on the same PostgreSQL and Redis, one SIGKILLed
 * mid-run: the survivor's relay takes the outbox, its recorder takes the
 * result jobs the dead one held (after their locks expire), and every run is
 * recorded once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { stopChild, WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { spawnTasks } from '../../src/producers/spawn-tasks.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { outcomesInResultsQueue } from '../support/results-queue.js';
import { waitFor } from '../support/wait-for.js';

describe('two control planes, one killed mid-run', () => {
  const prefix = uniquePrefix('planes');
  let db: TestDatabase;
  let orm: Orm;
  const planes: ChildProcess[] = [];
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await pool?.stop();
    await Promise.all(planes.map((p) => stopChild(p, 'SIGTERM')));
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('records every run exactly once', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      NYX_LOCK_DURATION_MS: '2000',
      NYX_STALLED_INTERVAL_MS: '1000',
      NYX_RELAY_BATCH: '100',
      NYX_RECORDER_BATCH: '50',
    };
    planes.push(await startControlPlaneProcess(env), await startControlPlaneProcess(env));
    // The short lock is for the control planes (the killed one's results jobs come back within
    // seconds); workers keep the default, so that on a loaded machine no job stalls and runs twice.
    pool = await WorkerPool.start({ count: 2, env: { ...env, NYX_LOCK_DURATION_MS: '30000', NYX_STALLED_INTERVAL_MS: '30000', LOG_LEVEL: 'silent' } });

    // Spawned from here (a third process): the outbox and NOTIFY reach both relays.
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 3_000 });
    const runs = await spawnTasks(orm.em, taskIds, { registry: defaultRegistry, maxPayloadBytes: 65_536 });
    const completed = () => orm.em.fork().count(WorkflowRun, { status: 'completed' });

    await waitFor('some runs recorded', async () => (await completed()) >= 200, 60_000, 20);
    await stopChild(planes[0]!, 'SIGKILL');
    expect(await completed()).toBeLessThan(3_000);

    await waitFor('all runs completed', async () => (await completed()) === 3_000, 90_000);
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(recorded.filter((r) => r.status !== 'completed' || r.attempts !== 1 || r.result === null)).toEqual([]);
    // Each outcome was sent once (no worker died) and its results job acknowledged.
    await waitFor('every results job acknowledged', async () => (await outcomesInResultsQueue(prefix, ['completed'])).length === 3_000, 30_000);
    expect(await outcomesInResultsQueue(prefix, ['active', 'wait', 'failed'])).toEqual([]);
    // The waits above may take up to 180 s on a loaded machine; jest's default 60 s cut them short.
  }, 240_000);
});
