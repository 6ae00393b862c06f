/**
 * The outbox's SQL, one named function per statement. All take the
 * EntityManager of the transaction they belong to.
 *
 * The outbox is the run row itself: `workflow_run` keeps the job's content
 * (queue, job name, payload, priority, job options) and its dispatch state —
 * `dispatched_at` is null while the relay has still to send the run, and
 * `dispatch_seq` (a sequence, in spawn order) is the order it sends them in.
 * So a run costs three row versions (spawn, relay, recorder) where a run and
 * a separate outbox row cost five. Every writer keeps "undispatched ⇒ has a
 * payload": the spawn and a redrive write one, the reconciler makes only
 * runs with a payload undispatched, the recorder marks a run it records
 * `completed` dispatched as it drops the payload, and the prune drops only
 * payloads of dispatched runs.
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
import { statementWithJson } from '../db/sql-literal.js';
import { pgArrayLiteral } from './pg-array.js';

export const OUTBOX_CHANNEL = 'nyx_outbox';

/** A run the relay claimed: what its BullMQ job is made of. */
export interface OutboxRow {
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

/** What a run's job is made of; stored on the run row (`runId`'s). */
export interface NewOutboxMessage {
  runId: string;
  queue: string;
  jobName: string;
  /** The payload envelope, already serialized (the producer measured its size on this text). */
  payloadJson: string;
  priority: number;
  /** When the message was written. Not stored: a spawned run keeps its `enqueuedAt`, a redriven one its first. */
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

const OUTBOX_NOTIFY = `select pg_notify('${OUTBOX_CHANNEL}', '')`;

/**
 * Spawned runs with their outbox content in the form the spawn's INSERT
 * reads as JSON: `runs[i]` goes with `messages[i]` (same run id).
 */
function spawnRows(runs: readonly NewRun[], messages: readonly NewOutboxMessage[]): object[] {
  return runs.map((run, i) => {
    const m = messages[i]!;
    if (m.runId !== run.id) throw new Error(`insertSpawnedRuns: message ${i} is for run ${m.runId}, not ${run.id}`);
    const runAt = run.runAt ?? m.runAt ?? null;
    return {
      id: run.id,
      spawnable: run.spawnable,
      subject_id: run.subjectId,
      task_id: run.taskId,
      workflow: run.workflow,
      payload_version: run.payloadVersion,
      enqueued_at: run.enqueuedAt.toISOString(),
      run_at: runAt ? runAt.toISOString() : null,
      queue: m.queue,
      job_name: m.jobName,
      payload: m.payloadJson,
      priority: m.priority,
      job_options: m.jobOptions ? JSON.stringify(m.jobOptions) : null,
    };
  });
}

/**
 * Writes spawned runs — `runs[i]` with its outbox content `messages[i]` — in
 * ONE INSERT per chunk into `workflow_run`, fed by `json_to_recordset` from
 * one JSON parameter; the last chunk's statement also calls `pg_notify`,
 * which wakes every listening relay when the surrounding transaction commits
 * (NOTIFY is transactional). One statement is atomic on its own, so a spawn
 * of up to SPAWN_WRITE_CHUNK tasks needs no BEGIN/COMMIT. Rows are inserted
 * in the order of `runs` (WITH ORDINALITY), so `dispatch_seq` follows it and
 * jobs are relayed in spawn order.
 *
 * Why not `insertMany`: the ORM builds and escapes every value of every row
 * (17 per run); here PostgreSQL parses one JSON document, inlined as a
 * literal. Payloads come already serialized and travel as JSON strings (cast
 * to jsonb in SQL), so no payload is parsed again in Node.
 */
export async function insertSpawnedRuns(em: SqlEntityManager, runs: readonly NewRun[], messages: readonly NewOutboxMessage[]): Promise<void> {
  if (runs.length !== messages.length) throw new Error(`insertSpawnedRuns: ${runs.length} runs but ${messages.length} outbox messages`);
  for (let i = 0; i < runs.length; i += SPAWN_WRITE_CHUNK) {
    const last = i + SPAWN_WRITE_CHUNK >= runs.length;
    const insert = `insert into workflow_run (id, spawnable, subject_id, task_id, workflow, status, attempts, payload_version, enqueued_at, run_at, queue, job_name, payload, priority, job_options, dispatched_at)
         select id, spawnable, subject_id, task_id, workflow, case when run_at is null then 'pending' else 'delayed' end, 0, payload_version, enqueued_at, run_at,
                queue, job_name, payload::jsonb, priority, job_options::jsonb, null
           from rows from (json_to_recordset(?::json)
                as (id uuid, spawnable text, subject_id text, task_id uuid, workflow text, payload_version int, enqueued_at timestamptz, run_at timestamptz,
                    queue text, job_name text, payload text, priority int, job_options text))
                with ordinality as r(id, spawnable, subject_id, task_id, workflow, payload_version, enqueued_at, run_at, queue, job_name, payload, priority, job_options, ord)
          order by ord`;
    const rows = spawnRows(runs.slice(i, i + SPAWN_WRITE_CHUNK), messages.slice(i, i + SPAWN_WRITE_CHUNK));
    // The rows are inlined as one JSON literal (sql-literal.ts): MikroORM would escape the parameter a character at a time.
    await em.execute(statementWithJson(last ? `with new_runs as (${insert}) ${OUTBOX_NOTIFY}` : insert, [rows]));
  }
}

/**
 * Puts new outbox content on runs that already exist (a redrive): their
 * queue, job name, payload, priority, job options and due time are replaced,
 * they become undispatched and go to the back of the relay's order; and
 * NOTIFY wakes the relays on commit. One statement, in the caller's
 * transaction. A run id that does not exist is skipped.
 */
export async function writeOutboxMessages(em: SqlEntityManager, messages: readonly NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await em.execute(
    `with requeued as (
       update workflow_run r
          set queue = m.queue, job_name = m.job_name, payload = m.payload::jsonb, priority = m.priority,
              job_options = m.job_options::jsonb, run_at = m.run_at, dispatched_at = null,
              dispatch_seq = nextval('workflow_run_dispatch_seq_seq')
         from json_to_recordset(?::json) as m(run_id uuid, queue text, job_name text, payload text, priority int, job_options text, run_at timestamptz)
        where r.id = m.run_id
     ) ${OUTBOX_NOTIFY}`,
    [
      JSON.stringify(
        messages.map((m) => ({
          run_id: m.runId,
          queue: m.queue,
          job_name: m.jobName,
          payload: m.payloadJson,
          priority: m.priority,
          job_options: m.jobOptions ? JSON.stringify(m.jobOptions) : null,
          run_at: m.runAt ? m.runAt.toISOString() : null,
        })),
      ),
    ],
  );
}

/**
 * Claims the oldest undispatched due runs. The plan must be the ordered scan
 * of the partial index `workflow_run_undispatched_index` (dispatch_seq where
 * dispatched_at is null), which stops after `limit` rows. Under FOR UPDATE
 * the LIMIT cannot bound a sort, so the other plan — bitmap scan of every
 * pending row, then a full sort of them with their payloads — costs
 * O(pending) per batch; the planner picks it whenever its statistics lag
 * behind the table (right after a burst of spawns: measured 24 ms and an
 * 8 MB on-disk sort per claim with 20,000 rows pending, against 0.4 ms). So
 * bitmap scans are turned off for the rest of the claiming transaction
 * (`set_config(…, true)` is local to it; outside a transaction it has no
 * effect and the claim is as before).
 *
 * A delayed run (`run_at` in the future) stays undispatched until it is due;
 * the ordered scan passes over such rows, so very many far-future delayed
 * runs make each claim slower (docs/run-control.md).
 */
export async function claimOutboxBatch(em: SqlEntityManager, limit: number): Promise<OutboxRow[]> {
  await em.execute(`select set_config('enable_bitmapscan', 'off', true)`);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, queue, job_name, payload, priority, job_options from workflow_run
      where dispatched_at is null and (run_at is null or run_at <= now()) order by dispatch_seq limit ? for update skip locked`,
    [limit],
  );
  return rows.map((row) => ({
    runId: String(row.id),
    queue: String(row.queue),
    jobName: String(row.job_name),
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
    priority: Number(row.priority),
    jobOptions: (typeof row.job_options === 'string' ? JSON.parse(row.job_options) : (row.job_options ?? null)) as RunJobPolicy | null,
  }));
}

/**
 * Marks claimed runs as sent and queued: ONE row version per run, since the
 * dispatch state and the status live on the same row. A run that is no
 * longer pending or delayed (one the reconciler re-sent: queued or running)
 * keeps its status and gets its `queued_at` back. A fast worker's result
 * cannot be recorded before this commits: the claim's row lock holds the
 * recorder back (`waitForRelays`, record-outcomes-sql.ts).
 */
export async function markDispatched(em: SqlEntityManager, rows: readonly OutboxRow[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await em.execute(
    `update workflow_run
        set dispatched_at = ?,
            status = case when status in ('pending', 'delayed') then 'queued' else status end,
            queued_at = coalesce(queued_at, ?)
      where id = any(?::uuid[])`,
    [at.toISOString(), at.toISOString(), pgArrayLiteral(rows.map((r) => r.runId))],
  );
}

export interface OutboxLag {
  pending: number;
  oldestPendingAgeMs: number;
}

export async function readOutboxLag(em: SqlEntityManager): Promise<OutboxLag> {
  const [row] = await em.execute<{ pending: string | number; oldest: Date | string | null }[]>(
    // A delayed run counts once it is due, and is late from its run_at on.
    `select count(*) as pending, min(coalesce(run_at, enqueued_at)) as oldest from workflow_run
      where dispatched_at is null and (run_at is null or run_at <= now())`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { pending: Number(row?.pending ?? 0), oldestPendingAgeMs: oldest === null ? 0 : Math.max(0, Date.now() - oldest) };
}

/**
 * Drops the payload (and job options) of final runs dispatched before
 * `before` — dead, failed or cancelled ones: a completed run dropped its own
 * when it was recorded (record-outcomes-sql.ts); returns how many. The run row stays (it is the run's record);
 * what made the outbox grow — the payload — goes, so the table holds a
 * payload only for runs of the retention window and for runs that are not
 * final, whatever their age: those keep it for the reconciler, which re-sends
 * it when Redis lost the job (run-reconciler.ts). Walks the partial index
 * `workflow_run_payload_kept_index` (dispatched_at where payload is not
 * null), so a pass costs what it finds plus the non-final runs of the window.
 */
export async function pruneDispatched(em: SqlEntityManager, before: Date): Promise<number> {
  const [row] = await em.execute<{ pruned: string | number }[]>(
    `with pruned as (
       update workflow_run set payload = null, job_options = null
        where payload is not null and dispatched_at < ? and status in ${FINAL_RUN_STATUSES_SQL}
        returning 1
     )
     select count(*) as pruned from pruned`,
    [before.toISOString()],
  );
  return Number(row?.pruned ?? 0);
}
