/**
 * Migration20261202110000_run_outbox on a database of the old layout (runs
 * and a separate outbox_message table): outbox rows still waiting — pending
 * and delayed — move onto their runs and keep their place in the relay's
 * order, a dispatched run stays dispatched, a final run whose outbox row was
 * pruned counts as dispatched (nothing to send); then the relay sends what
 * was waiting, and only that. Down brings the waiting rows back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { migrateUp, openOrm, type Orm } from '../../../src/control-plane/db/orm.js';
import { OutboxRelay } from '../../../src/control-plane/outbox/outbox-relay.js';
import { readOutboxLag } from '../../../src/control-plane/outbox/outbox-sql.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WORKFLOW_JOB_NAME, WORKFLOW_QUEUE } from '../../../src/dto/index.js';
import { readOutbox } from '../../support/outbox-rows.js';
import { silentLog } from '../../support/test-config.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';

const PREVIOUS = 'Migration20261202100000_generic_runs';

describe('Migration20261202110000_run_outbox', () => {
  const prefix = uniquePrefix('run-outbox-migration');
  let db: TestDatabase;
  let orm: Orm;
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openOrm({ databaseUrl: db.url });
    await orm.migrator.up({ to: PREVIOUS });
    queue = new Queue(WORKFLOW_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('keeps the outbox rows that were waiting, and the relay sends them after the upgrade', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 5 });
    const [late, early, delayed, sent, pruned] = taskIds.map(() => randomUUID());
    const em = orm.em.fork();
    const run = (id: string, taskId: string, status: string, extra = '') =>
      em.execute(
        `insert into workflow_run (id, spawnable, subject_id, task_id, workflow, status, attempts, payload_version, enqueued_at, queued_at, finished_at, run_at)
         values (?, 'motivational-task', ?, ?, 'test', ?, 0, 2, now() - interval '1 hour', ${extra})`,
        [id, taskId, taskId, status],
      );
    await run(late!, taskIds[0]!, 'pending', 'null, null, null');
    await run(early!, taskIds[1]!, 'pending', 'null, null, null');
    await run(delayed!, taskIds[2]!, 'delayed', `null, null, now() + interval '1 day'`);
    await run(sent!, taskIds[3]!, 'queued', `now() - interval '50 minutes', null, null`);
    await run(pruned!, taskIds[4]!, 'completed', `now() - interval '50 minutes', now() - interval '40 minutes', null`);
    // Outbox ids decide the order: `early` was written before `late`.
    const message = (id: number, runId: string, extra: string) =>
      em.execute(
        `insert into outbox_message (id, run_id, queue, job_name, payload, priority, created_at, dispatched_at, job_options, run_at)
         values (?, ?, ?, ?, ?::jsonb, ?, now() - interval '1 hour', ${extra})`,
        [id, runId, WORKFLOW_QUEUE, WORKFLOW_JOB_NAME, JSON.stringify({ schema: 'test', v: 2, data: { runId } }), id === 11 ? 3 : 0],
      );
    await message(12, late!, `null, null, null`);
    await message(11, early!, `null, '{"attempts":7}'::jsonb, null`);
    await message(13, delayed!, `null, null, now() + interval '1 day'`);
    await message(10, sent!, `now() - interval '50 minutes', null, null`);
    await em.execute(`select setval('outbox_message_id_seq', 13)`);

    expect((await orm.migrator.up({ to: 'Migration20261202110000_run_outbox' })).map((m) => m.name)).toEqual(['Migration20261202110000_run_outbox']);
    const [table] = await orm.em.fork().execute<{ exists: boolean }[]>(`select to_regclass('outbox_message') is not null as exists`);
    expect(table!.exists).toBe(false);

    const outbox = await readOutbox(orm.em.fork());
    // The relay's order is the old outbox ids' order; the pruned run has no place in it.
    expect(outbox.map((row) => row.runId)).toEqual([sent, early, late, delayed, pruned]);
    const byId = new Map(outbox.map((row) => [row.runId, row]));
    expect(byId.get(early!)).toMatchObject({ queue: WORKFLOW_QUEUE, jobName: WORKFLOW_JOB_NAME, priority: 3, jobOptions: { attempts: 7 }, dispatchedAt: null });
    expect(byId.get(early!)!.payload).toEqual({ schema: 'test', v: 2, data: { runId: early } });
    expect(byId.get(late!)!.dispatchedAt).toBeNull();
    expect(byId.get(delayed!)!.dispatchedAt).toBeNull();
    expect(byId.get(sent!)!.dispatchedAt).not.toBeNull();
    expect(byId.get(pruned!)).toMatchObject({ payload: null });
    expect(byId.get(pruned!)!.dispatchedAt).not.toBeNull();
    // The delayed run is not due: only the two pending ones are waiting.
    expect((await readOutboxLag(orm.em.fork())).pending).toBe(2);

    const relay = new OutboxRelay({
      em: () => orm.em.fork(),
      queue: () => queue,
      batchSize: 100,
      pollMs: 1_000,
      retentionMs: 86_400_000,
      jobOptions: { attempts: 3, backoffMs: 100 },
      log: silentLog,
      sendTimeoutMs: 5_000,
    });
    expect(await relay.relayOnce()).toBe(2);
    expect(await relay.relayOnce()).toBe(0);
    const jobs = await queue.getJobs(['wait', 'prioritized']);
    expect(jobs.map((job) => job.id).sort()).toEqual([early!, late!].sort());
    const earlyJob = jobs.find((job) => job.id === early)!;
    expect({ priority: earlyJob.opts.priority, attempts: earlyJob.opts.attempts, data: earlyJob.data as unknown }).toEqual({
      priority: 3,
      attempts: 7,
      data: { schema: 'test', v: 2, data: { runId: early } },
    });
    const statuses = await orm.em
      .fork()
      .execute<{ id: string; status: string }[]>(`select id, status from workflow_run where id = any(?::uuid[])`, [`{${early},${late}}`]);
    expect(statuses.map((row) => row.status)).toEqual(['queued', 'queued']);
  });

  it('goes on in order after the upgrade: new spawns come after the rows that were waiting', async () => {
    const [seq] = await orm.em
      .fork()
      .execute<{ old: string; next: string }[]>(
        `select (select max(dispatch_seq) from workflow_run where dispatch_seq <= 13) as old, nextval('workflow_run_dispatch_seq_seq') as next`,
      );
    expect(Number(seq!.old)).toBe(13);
    expect(Number(seq!.next)).toBeGreaterThan(13);
  });

  it('down brings the outbox rows back, the undispatched delayed one included', async () => {
    await orm.migrator.down({ to: PREVIOUS });
    const rows = await orm.em
      .fork()
      .execute<{ id: string; dispatched: boolean }[]>(`select id, dispatched_at is not null as dispatched from outbox_message order by id`);
    expect(rows.map((row) => [Number(row.id), row.dispatched])).toEqual([
      [10, true],
      [11, true],
      [12, true],
      [13, false],
    ]);
    await migrateUp(orm);
  });
});
