/**
 * The recorder's SQL, one named function per statement.
 *
 * `recordOutcomes` writes a batch of worker outcomes in ONE statement
 * (UPDATE … FROM json_to_recordset of one JSON parameter). It is idempotent
 * and order-proof, so results delivered twice, late or out of order change
 * nothing they should not, and it writes only what a worker of this run
 * could have sent:
 * - a run that reached a final status (completed, failed, dead, cancelled) is never
 *   touched again;
 * - a run never dispatched (`pending`) is not touched: no worker has its job;
 * - the workflow must be the run's own (a failure may name none: its payload
 *   was unreadable); a completed outcome that names a subject (or, from an
 *   older worker, a task) must name the run's (a failure's subject comes from
 *   a payload that may be the very problem);
 * - the attempt must be at most `maxAttempt`;
 * - a non-final failure applies only if its attempt is not older than the
 *   attempts already recorded.
 * Outcomes it leaves alone are explained by `readRunStates` (checked-outcomes.ts).
 *
 * A run recorded `completed` also drops its payload and job options (the run
 * row is its outbox row, outbox-sql.ts): nothing sends or reads them again,
 * and the row written is then about the size of a run without them instead
 * of a second full copy of the payload (measured: 25.5 MB of heap for 20,000
 * recorded runs instead of 39.5 MB). It also counts as dispatched from then
 * on: a re-send the reconciler had queued for it (its job looked lost, then
 * its result arrived) is dropped instead of sending a job without a payload.
 * A relay that holds the run (it claimed it, payload included) makes this
 * UPDATE wait for its commit. A dead run keeps its payload: the recorder's
 * dead letters read it (`readPayloads`).
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { WorkflowOutcome } from '../../dto/index.js';
import { INT32_MAX } from '../../dto/storable.js';
import { FINAL_RUN_STATUSES_SQL } from '../../dto/run-status.js';
import { statementWithJson } from '../db/sql-literal.js';

/** One row of the statement's recordset (column names as in the SQL). */
interface Row {
  id: string;
  task_id: string | null;
  subject_id: string | null;
  workflow: string | null;
  kind: 'completed' | 'failed';
  status: 'completed' | 'running' | 'dead';
  attempt: number;
  /** The output as JSON text (cast to jsonb in SQL, so a `null` output stays JSON null as before). */
  result: string | null;
  error: string | null;
  started_at: string;
  finished_at: string;
  final: boolean;
}

function toRow(outcome: WorkflowOutcome): Row {
  const base = {
    id: outcome.runId,
    // A worker that names the subject is checked on it; an older one (taskId only) on the task.
    task_id: outcome.subjectId === undefined ? outcome.taskId : null,
    subject_id: outcome.subjectId ?? null,
    workflow: outcome.workflow,
    kind: outcome.kind,
    attempt: outcome.attempt,
    started_at: outcome.startedAt.toISOString(),
    finished_at: outcome.finishedAt.toISOString(),
  };
  if (outcome.kind === 'completed') {
    return { ...base, status: 'completed', result: JSON.stringify(outcome.output), error: null, final: true };
  }
  const error = outcome.final && outcome.deadReason ? `${outcome.deadReason}: ${outcome.error}` : outcome.error;
  return { ...base, status: outcome.final ? 'dead' : 'running', result: null, error, final: outcome.final };
}

/** Keeps one outcome per run: a final one over a non-final one, then the latest attempt. */
export function collapseOutcomes(outcomes: readonly WorkflowOutcome[]): WorkflowOutcome[] {
  const byRun = new Map<string, WorkflowOutcome>();
  const isFinal = (o: WorkflowOutcome) => o.kind === 'completed' || o.final;
  for (const outcome of outcomes) {
    const kept = byRun.get(outcome.runId);
    if (!kept || (isFinal(outcome) && !isFinal(kept)) || (isFinal(outcome) === isFinal(kept) && outcome.attempt > kept.attempt)) {
      byRun.set(outcome.runId, outcome);
    }
  }
  return [...byRun.values()];
}

export interface RecordOptions {
  /** Highest attempt number a worker can report. @defaultValue INT32_MAX */
  maxAttempt?: number;
}

/** Returns the ids of the runs that changed. */
export async function recordOutcomes(em: SqlEntityManager, outcomes: readonly WorkflowOutcome[], options: RecordOptions = {}): Promise<string[]> {
  const rows = collapseOutcomes(outcomes).map(toRow);
  if (rows.length === 0) return [];
  const maxAttempt = options.maxAttempt ?? INT32_MAX;
  if (!Number.isSafeInteger(maxAttempt)) throw new TypeError(`maxAttempt: ${maxAttempt} is not an integer`);
  // All rows travel as ONE JSON document, inlined as a literal (sql-literal.ts):
  // PostgreSQL parses it in C, and nothing escapes it a character at a time.
  const updated = await em.execute<{ id: string }[]>(
    statementWithJson(
      `update workflow_run as r set
        status = v.status,
        attempts = greatest(r.attempts, v.attempt),
        result = coalesce(v.result::jsonb, r.result),
        error = v.error,
        started_at = coalesce(r.started_at, v.started_at),
        finished_at = case when v.final then v.finished_at else r.finished_at end,
        payload = case when v.status = 'completed' then null else r.payload end,
        job_options = case when v.status = 'completed' then null else r.job_options end,
        dispatched_at = case when v.status = 'completed' then coalesce(r.dispatched_at, now()) else r.dispatched_at end
      from json_to_recordset(?::json)
        as v(id uuid, task_id uuid, subject_id text, workflow text, kind text, status text, attempt int, result text, error text,
             started_at timestamptz, finished_at timestamptz, final boolean)
      where r.id = v.id
        and r.status not in ('pending', 'delayed') and r.status not in ${FINAL_RUN_STATUSES_SQL}
        and (r.workflow = v.workflow or (v.workflow is null and v.kind = 'failed'))
        and (v.kind = 'failed' or v.task_id is null or r.task_id = v.task_id)
        and (v.kind = 'failed' or v.subject_id is null or r.subject_id = v.subject_id)
        and v.attempt <= ${maxAttempt}
        and (v.final or v.attempt >= r.attempts)
      returning r.id`,
      [rows],
    ),
  );
  return updated.map((row) => String(row.id));
}

export interface RunState {
  status: string;
  workflow: string;
  taskId: string;
  subjectId: string;
  attempts: number;
}

/** What the runs of outcomes left alone look like (one statement; ids that are not uuids are simply unknown). */
export async function readRunStates(em: SqlEntityManager, runIds: readonly string[]): Promise<Map<string, RunState>> {
  if (runIds.length === 0) return new Map();
  const rows = await em.execute<{ id: string; status: string; workflow: string; task_id: string; subject_id: string; attempts: number }[]>(
    `select id, status, workflow, task_id, subject_id, attempts from workflow_run where id = any(?::uuid[])`,
    [`{${runIds.join(',')}}`],
  );
  return new Map(
    rows.map((row) => [
      String(row.id),
      {
        status: row.status,
        workflow: row.workflow,
        taskId: String(row.task_id),
        subjectId: String(row.subject_id),
        attempts: Number(row.attempts),
      },
    ]),
  );
}

/**
 * Waits until no relay holds these runs. A fast worker's result can arrive
 * while the relay that sent its job has not committed yet (the run is still
 * `pending`): the relay's claim locks the run rows until it commits, so
 * `FOR SHARE` returns once the run is `queued` (or the relay rolled back).
 */
export async function waitForRelays(em: SqlEntityManager, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await em.execute(`select id from workflow_run where id = any(?::uuid[]) for share`, [`{${runIds.join(',')}}`]);
}

/** The payload of each run that still holds one (for the dead letters the recorder writes). */
export async function readPayloads(em: SqlEntityManager, runIds: readonly string[]): Promise<Map<string, unknown>> {
  if (runIds.length === 0) return new Map();
  const rows = await em.execute<{ id: string; payload: unknown }[]>(`select id, payload from workflow_run where id = any(?::uuid[]) and payload is not null`, [
    `{${runIds.join(',')}}`,
  ]);
  return new Map(rows.map((row) => [String(row.id), typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload]));
}

export interface QuarantineEntry {
  runId: string | null;
  reason: string;
  detail: string;
  /** The refused entry as JSON text (already cut and storable). */
  outcome: string;
  resultsJobId: string | null;
}

/** Keeps refused outcomes for inspection (one statement). */
export async function insertQuarantine(em: SqlEntityManager, entries: readonly QuarantineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await em.execute(
    `insert into outcome_quarantine (run_id, reason, detail, outcome, results_job_id)
     select run_id, reason, detail, outcome, results_job_id
       from json_to_recordset(?::json) as q(run_id text, reason text, detail text, outcome text, results_job_id text)`,
    [JSON.stringify(entries.map((e) => ({ run_id: e.runId, reason: e.reason, detail: e.detail, outcome: e.outcome, results_job_id: e.resultsJobId })))],
  );
}
