/**
 * The outbox's hot-path SQL against real PostgreSQL: the one-statement spawn
 * write keeps spawn order and payloads intact, the claim returns the oldest
 * rows in order and skips the rows another relay holds, and marking dispatched gives every run its `queued_at` —
 * also a run whose result was recorded before the relay's commit (a fast
 * worker), which keeps its final status.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { claimOutboxBatch, markDispatched, pruneDispatched, readOutboxLag } from '../../../src/control-plane/outbox/outbox-sql.js';
import { resendRuns } from '../../../src/control-plane/outbox/reconcile-sql.js';
import { spawnTasks } from '../../../src/producers/spawn-tasks.js';
import { recordCheckedOutcomes } from '../../../src/control-plane/recorder/checked-outcomes.js';
import { recordOutcomes } from '../../../src/control-plane/recorder/record-outcomes-sql.js';
import { defaultRegistry } from '../../../src/workers/workflows/registry.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { readOutbox } from '../../support/outbox-rows.js';

describe('outbox SQL', () => {
  let db: TestDatabase;
  let orm: Orm;
  const options = { registry: defaultRegistry, maxPayloadBytes: 65_536 };

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('claims spawned rows in spawn order with their payloads, and marks them and their runs', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 30 });
    const runs = await spawnTasks(orm.em.fork(), taskIds, options);
    const at = new Date('2026-01-02T03:04:05.000Z');
    const claimed = await orm.em.fork().transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, 100);
      await markDispatched(tx, rows, at);
      return rows;
    });
    expect(claimed.map((row) => row.runId)).toEqual(runs.map((run) => run.runId));
    expect(claimed.map((row) => (row.payload as { data: { taskId: string } }).data.taskId)).toEqual(taskIds);
    const stored = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(stored.map((run) => [run.status, run.queuedAt?.toISOString()])).toEqual(runs.map(() => ['queued', at.toISOString()]));
  });

  it('two relays claiming at once get disjoint batches in order, and together every run', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 25 });
    const runs = (await spawnTasks(orm.em.fork(), taskIds, options)).map((run) => run.runId);
    const at = new Date();
    let second: string[] = [];
    const first = await orm.em.fork().transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, 10);
      // While the first relay holds its rows, a second one (its own connection) skips them.
      second = await orm.em.fork().transactional(async (tx2) => {
        const other = await claimOutboxBatch(tx2, 10);
        await markDispatched(tx2, other, at);
        return other.map((row) => row.runId);
      });
      await markDispatched(tx, rows, at);
      return rows.map((row) => row.runId);
    });
    const rest = await orm.em.fork().transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, 100);
      await markDispatched(tx, rows, at);
      return rows.map((row) => row.runId);
    });
    expect(first).toEqual(runs.slice(0, 10));
    expect(second).toEqual(runs.slice(10, 20));
    expect(rest).toEqual(runs.slice(20));
    expect((await readOutbox(orm.em.fork(), runs)).every((row) => row.dispatchedAt !== null)).toBe(true);
  });

  it('gives a run recorded before the relay commits its queued_at and keeps it completed', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [run] = await spawnTasks(orm.em.fork(), [taskId!], options);
    const at = new Date('2026-01-02T03:04:05.000Z');
    let recording: ReturnType<typeof recordCheckedOutcomes> | undefined;
    await orm.em.fork().transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, 100);
      expect(rows.map((row) => row.runId)).toEqual([run!.runId]);
      // The job is in Redis from addBulk on: its result may arrive before this commit.
      const now = new Date();
      const outcome = {
        kind: 'completed' as const,
        runId: run!.runId,
        taskId: taskId!,
        workflow: run!.workflow,
        attempt: 1,
        startedAt: now,
        finishedAt: now,
        output: { ok: true },
      };
      // The statement alone leaves a run that is still pending alone (no worker can have its job)...
      expect(await recordOutcomes(orm.em.fork(), [outcome])).toEqual([]);
      // ...and the recorder waits for the relay holding the run, then writes it.
      recording = recordCheckedOutcomes(() => orm.em.fork(), [outcome], { maxAttempt: 10, maxOutcomeBytes: 65_536 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await markDispatched(tx, rows, at);
    });
    expect((await recording!).changed.map((o) => o.runId)).toEqual([run!.runId]);
    const stored = await orm.em.fork().findOneOrFail(WorkflowRun, { id: run!.runId });
    expect(stored.status).toBe('completed');
    expect(stored.result).toEqual({ ok: true });
    expect(stored.queuedAt?.toISOString()).toBe(at.toISOString());
    // Completed: nothing will send it again, so the row no longer carries the payload.
    expect((await readOutbox(orm.em.fork(), [run!.runId]))[0]).toMatchObject({ payload: null, jobOptions: null, dispatchedAt: at });
  });

  it('drops a re-send the reconciler queued for a run that is then recorded completed', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [run] = await spawnTasks(orm.em.fork(), [taskId!], options);
    await orm.em.fork().transactional(async (tx) => markDispatched(tx, await claimOutboxBatch(tx, 100), new Date()));
    // Its job looked lost: back into the outbox. Then its result arrives after all.
    expect(await resendRuns(orm.em.fork(), [run!.runId])).toEqual([run!.runId]);
    const now = new Date();
    const outcome = {
      kind: 'completed' as const,
      runId: run!.runId,
      taskId: taskId!,
      workflow: run!.workflow,
      attempt: 1,
      startedAt: now,
      finishedAt: now,
      output: {},
    };
    expect(await recordOutcomes(orm.em.fork(), [outcome])).toEqual([run!.runId]);
    // Nothing is left to send: no job without a payload, no pending row in the lag.
    expect(await orm.em.fork().transactional((tx) => claimOutboxBatch(tx, 100))).toEqual([]);
    expect((await readOutboxLag(orm.em.fork())).pending).toBe(0);
  });

  it('never takes a run row written by other means for one to send: undispatched needs a payload', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const runId = randomUUID();
    await orm.em.fork().execute(
      `insert into workflow_run (id, spawnable, subject_id, task_id, workflow, status, payload_version, enqueued_at)
         values (?, 'motivational-task', ?, ?, 'noop', 'pending', 2, now())`,
      [runId, taskId, taskId],
    );
    expect(await orm.em.fork().transactional((tx) => claimOutboxBatch(tx, 100))).toEqual([]);
    await expect(orm.em.fork().execute(`update workflow_run set dispatched_at = null where id = ?`, [runId])).rejects.toThrow(
      /workflow_run_undispatched_has_payload_check/,
    );
  });

  it('prunes the payloads only of final runs: a run not final keeps the payload the reconciler re-sends', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 2 });
    const [done, waiting] = await spawnTasks(orm.em.fork(), taskIds, options);
    await orm.em.fork().transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, 100);
      await markDispatched(tx, rows, new Date('2026-01-01T00:00:00Z'));
    });
    await orm.em.fork().execute(`update workflow_run set status = 'completed' where id = ?`, [done!.runId]);
    expect(await pruneDispatched(orm.em.fork(), new Date())).toBeGreaterThanOrEqual(1);
    const rows = await readOutbox(orm.em.fork(), [done!.runId, waiting!.runId]);
    expect(rows.filter((row) => row.payload !== null).map((row) => row.runId)).toEqual([waiting!.runId]);
    // The run itself stays: only what it carried for the relay goes.
    expect(rows.map((row) => row.runId).sort()).toEqual([done!.runId, waiting!.runId].sort());
    expect(await pruneDispatched(orm.em.fork(), new Date())).toBe(0);
  });
});
