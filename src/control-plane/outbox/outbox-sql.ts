/**
 * The outbox's SQL, one named function per statement. All take the
 * EntityManager of the transaction they belong to.
 *
 * Locking: `claimOutboxBatch` takes row locks with `FOR UPDATE SKIP LOCKED`,
 * so relays in several processes each claim a different batch and never wait
 * for one another; the locks are held until the relay's transaction commits
 * (after `addBulk` and `markDispatched`), so a row is never claimed twice
 * while a relay is busy with it. A relay that dies releases its locks with its
 * connection, and the rows go out again — at least once; the job id makes the
 * second send a no-op in BullMQ.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { RunJobPolicy } from '../../dto/index.js';
import { FINAL_RUN_STATUSES_SQL } from '../../dto/run-status.js';
import { pgArrayLiteral } from './pg-array.js';

export const OUTBOX_CHANNEL = 'nyx_outbox';

export interface OutboxRow {
  id: number;
  runId: string;
  queue: string;
  jobName: string;
  payload: unknown;
  priority: number;
  /** The workflow's attempts/backoff over the relay's defaults (null: defaults). */
  jobOptions: RunJobPolicy | null;
}

export interface NewRun {
  id: string;
  /** The registered spawnable's name (`motivational-task` for the built-in one). */
  spawnable: string;
  /** The subject's primary key, as text. */
  subjectId: string;
  /** The built-in spawnable's task id (= subjectId); null for any other spawnable. */
  taskId: string | null;
  workflow: string;
  payloadVersion: number;
  enqueuedAt: Date;
  /** A delayed run's due time (status `delayed`); null: `pending`, relayed at once. */
  runAt?: Date | null;
}

export interface NewOutboxMessage {
  runId: string;
  queue: string;
  jobName: string;
  /** The payload envelope, already serialized (the producer measured its size on this text). */
  payloadJson: string;
  priority: number;
  createdAt: Date;
  /** The workflow's attempts/backoff (null: the relay's defaults). */
  jobOptions?: RunJobPolicy | null;
  /** Not relayed before this (null: at once). */
  runAt?: Date | null;
}

/**
 * Runs per write statement. Rows travel as one JSON parameter, so there is
 * no parameter limit to respect; the chunk only bounds the statement's size.
 */
export const SPAWN_WRITE_CHUNK = 5_000;

/**
 * The one outbox write, as a data-modifying CTE named `new_messages`: rows
 * from one JSON parameter (`NewOutboxMessage` in wire form), inserted in
 * their order (outbox ids follow it, so jobs are relayed in that order). A
 * run has one outbox row (unique run_id): writing it again — a redrive —
 * replaces its content and makes it undispatched. Every caller ends the
 * statement with `OUTBOX_NOTIFY`, so the NOTIFY that wakes the relays is
 * issued in the same statement, and delivered on commit (NOTIFY is
 * transactional).
 */
const OUTBOX_WRITE_CTE = `new_messages as (
         insert into outbox_message (run_id, queue, job_name, payload, priority, created_at, dispatched_at, job_options, run_at)
         select run_id, queue, job_name, payload::jsonb, priority, created_at, null, job_options::jsonb, run_at
           from rows from (json_to_recordset(?::json)
                as (run_id uuid, queue text, job_name text, payload text, priority int, created_at timestamptz, job_options text, run_at timestamptz))
                with ordinality as m(run_id, queue, job_name, payload, priority, created_at, job_options, run_at, ord)
          order by ord
         on conflict (run_id) do update
            set queue = excluded.queue, job_name = excluded.job_name, payload = excluded.payload,
                priority = excluded.priority, created_at = excluded.created_at, dispatched_at = null,
                job_options = excluded.job_options, run_at = excluded.run_at
       )`;
const OUTBOX_NOTIFY = `select pg_notify('${OUTBOX_CHANNEL}', '')`;

/** Outbox messages in the JSON form `OUTBOX_WRITE_CTE` reads. */
function outboxRowsJson(messages: readonly NewOutboxMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      run_id: m.runId,
      queue: m.queue,
      job_name: m.jobName,
      payload: m.payloadJson,
      priority: m.priority,
      created_at: m.createdAt.toISOString(),
      job_options: m.jobOptions ? JSON.stringify(m.jobOptions) : null,
      run_at: m.runAt ? m.runAt.toISOString() : null,
    })),
  );
}

/**
 * Writes outbox rows for runs that already exist (a redrive), and NOTIFYs:
 * one statement, in the caller's transaction.
 */
export async function writeOutboxMessages(em: SqlEntityManager, messages: readonly NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await em.execute(`with ${OUTBOX_WRITE_CTE} ${OUTBOX_NOTIFY}`, [outboxRowsJson(messages)]);
}

/**
 * Writes spawned runs and their outbox rows — `runs[i]` goes with
 * `messages[i]` — in ONE statement per chunk: two inserts in data-modifying
 * CTEs, fed by `json_to_recordset` from one JSON parameter each, and a
 * `pg_notify` that wakes every listening relay when the surrounding
 * transaction commits (NOTIFY is transactional). One statement is atomic on
 * its own, so a spawn of up to SPAWN_WRITE_CHUNK tasks needs no BEGIN/COMMIT.
 * Outbox ids follow the order of `messages` (WITH ORDINALITY), so jobs are
 * relayed in spawn order.
 *
 * Why not `insertMany`: the ORM builds and escapes every value of every row
 * (12 per run, 7 per outbox row); here PostgreSQL parses two JSON documents.
 * Payloads come already serialized and travel as JSON strings (cast to jsonb
 * in SQL), so no payload is serialized twice.
 */
export async function insertSpawnedRuns(em: SqlEntityManager, runs: readonly NewRun[], messages: readonly NewOutboxMessage[]): Promise<void> {
  for (let i = 0; i < runs.length; i += SPAWN_WRITE_CHUNK) {
    const runRows = runs.slice(i, i + SPAWN_WRITE_CHUNK).map((run) => ({
      id: run.id,
      spawnable: run.spawnable,
      subject_id: run.subjectId,
      task_id: run.taskId,
      workflow: run.workflow,
      payload_version: run.payloadVersion,
      enqueued_at: run.enqueuedAt.toISOString(),
      run_at: run.runAt ? run.runAt.toISOString() : null,
    }));
    const last = i + SPAWN_WRITE_CHUNK >= runs.length;
    await em.execute(
      `with new_runs as (
         insert into workflow_run (id, spawnable, subject_id, task_id, workflow, status, attempts, payload_version, enqueued_at, run_at)
         select id, spawnable, subject_id, task_id, workflow, case when run_at is null then 'pending' else 'delayed' end, 0, payload_version, enqueued_at, run_at
           from json_to_recordset(?::json)
             as r(id uuid, spawnable text, subject_id text, task_id uuid, workflow text, payload_version int, enqueued_at timestamptz, run_at timestamptz)
       ), ${OUTBOX_WRITE_CTE}
       ${last ? OUTBOX_NOTIFY : 'select 1'}`,
      [JSON.stringify(runRows), outboxRowsJson(messages.slice(i, i + SPAWN_WRITE_CHUNK))],
    );
  }
}

/**
 * Claims the oldest undispatched rows. The plan must be the ordered scan of
 * the partial index, which stops after `limit` rows. Under FOR UPDATE the
 * LIMIT cannot bound a sort, so the other plan — bitmap scan of every pending
 * row, then a full sort of them with their payloads — costs O(pending) per
 * batch; the planner picks it whenever its statistics lag behind the outbox
 * (right after a burst of spawns: measured 24 ms and an 8 MB on-disk sort per
 * claim with 20,000 rows pending, against 0.4 ms). So bitmap scans are turned
 * off for the rest of the claiming transaction (`set_config(…, true)` is
 * local to it; outside a transaction it has no effect and the claim is as
 * before).
 *
 * A delayed row (`run_at` in the future) stays in the outbox until it is due;
 * the ordered scan passes over such rows, so very many far-future delayed
 * rows make each claim slower (docs/run-control.md).
 */
export async function claimOutboxBatch(em: SqlEntityManager, limit: number): Promise<OutboxRow[]> {
  await em.execute(`select set_config('enable_bitmapscan', 'off', true)`);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, run_id, queue, job_name, payload, priority, job_options from outbox_message
      where dispatched_at is null and (run_at is null or run_at <= now()) order by id limit ? for update skip locked`,
    [limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    runId: String(row.run_id),
    queue: String(row.queue),
    jobName: String(row.job_name),
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
    priority: Number(row.priority),
    jobOptions: (typeof row.job_options === 'string' ? JSON.parse(row.job_options) : (row.job_options ?? null)) as RunJobPolicy | null,
  }));
}

/**
 * Marks claimed rows as sent and their runs as queued, in one statement (the
 * outbox UPDATE feeds the run UPDATE through a CTE). A run that already moved
 * on keeps its status but still gets its `queued_at`: a fast worker's result
 * can be recorded before this transaction commits, since the job is in Redis
 * from `addBulk` on.
 */
export async function markDispatched(em: SqlEntityManager, rows: readonly OutboxRow[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await em.execute(
    `with sent as (
       update outbox_message set dispatched_at = ? where id = any(?::bigint[]) returning run_id
     )
     update workflow_run
        set status = case when status in ('pending', 'delayed') then 'queued' else status end,
            queued_at = coalesce(queued_at, ?)
      where id in (select run_id from sent) and (status in ('pending', 'delayed') or queued_at is null)`,
    [at.toISOString(), pgArrayLiteral(rows.map((r) => r.id)), at.toISOString()],
  );
}

export interface OutboxLag {
  pending: number;
  oldestPendingAgeMs: number;
}

export async function readOutboxLag(em: SqlEntityManager): Promise<OutboxLag> {
  const [row] = await em.execute<{ pending: string | number; oldest: Date | string | null }[]>(
    // A delayed row counts once it is due, and is late from its run_at on.
    `select count(*) as pending, min(coalesce(run_at, created_at)) as oldest from outbox_message
      where dispatched_at is null and (run_at is null or run_at <= now())`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { pending: Number(row?.pending ?? 0), oldestPendingAgeMs: oldest === null ? 0 : Math.max(0, Date.now() - oldest) };
}

/**
 * Deletes dispatched rows older than `before` whose run is final (or gone);
 * returns how many. A run that is not final keeps its row whatever its age:
 * the row holds the payload the reconciler re-sends when Redis lost the job
 * (run-reconciler.ts).
 */
export async function pruneDispatched(em: SqlEntityManager, before: Date): Promise<number> {
  const [row] = await em.execute<{ pruned: string | number }[]>(
    `with pruned as (
       delete from outbox_message o
        where o.dispatched_at is not null and o.dispatched_at < ?
          and not exists (select 1 from workflow_run r where r.id = o.run_id and r.status not in ${FINAL_RUN_STATUSES_SQL})
        returning 1
     )
     select count(*) as pruned from pruned`,
    [before.toISOString()],
  );
  return Number(row?.pruned ?? 0);
}
