/**
 * ControlPlane's methods on a real PostgreSQL and Redis: spawn(ids, { em })
 * in the caller's transaction wakes this process's relay once the
 * transaction commits (no NOTIFY listener and a 10-minute poll here, so
 * nothing else could wake it); a rollback leaves no run and no job;
 * relayNow() drains the outbox; ids in any case are accepted and recorded
 * in lower case.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { waitFor } from '../support/wait-for.js';

describe('ControlPlane', () => {
  const prefix = uniquePrefix('cp-api');
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    // No DATABASE_URL in the config: the ORM is ours, and no LISTEN connection is opened.
    const config = testConfig({ NYX_QUEUE_PREFIX: prefix, NYX_RELAY_POLL_MS: '600000' });
    cp = await ControlPlane.open({ config, redisUrl: SHARED_REDIS_URL, log: silentLog, orm, recorder: false });
    await cp.start();
    // The relay's first look at the (empty) outbox is done: from now on it sleeps until woken.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  afterAll(async () => {
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('wakes the relay after the caller commits, not before', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const before = cp.stats().dispatched;
    const runs = await cp.em().transactional(async (em) => {
      const spawned = await cp.spawn([taskId!], { em, metadata: { requestedBy: 'test' } });
      // Still inside the transaction: nothing is visible to the relay, nothing was sent.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(cp.stats().dispatched).toBe(before);
      return spawned;
    });
    expect(runs).toHaveLength(1);
    await waitFor('the relay to send the committed run', () => cp.stats().dispatched === before + 1, 10_000);
    const job = await cp.queue(cp.naming.workflowQueue('mastery')).getJob(runs[0]!.runId);
    expect(job?.data.data.metadata).toMatchObject({ requestedBy: 'test' });
  });

  it('leaves no run and no job when the caller rolls back', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    let runId = '';
    await expect(
      cp.em().transactional(async (em) => {
        runId = (await cp.spawn([taskId!], { em }))[0]!.runId;
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(runId).not.toBe('');
    expect(await cp.em().count(WorkflowRun, { id: runId })).toBe(0);
    expect(await cp.relayNow()).toBe(0);
    expect(await cp.queue(cp.naming.workflowQueue('mastery')).getJob(runId)).toBeUndefined();
  });

  it('accepts task ids in any case and records them in lower case; relayNow drains the outbox', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [run] = await cp.spawn([taskId!.toUpperCase()]);
    expect(run!.taskId).toBe(taskId);
    // Spawned outside a transaction: the relay is woken at once.
    await waitFor('the outbox to drain', async () => (await cp.outboxLag()).pending === 0, 10_000);
    const recorded = await cp.em().findOneOrFail(WorkflowRun, { id: run!.runId });
    expect(recorded.taskId).toBe(taskId);
  });
});
