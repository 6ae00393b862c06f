/**
 * Writes a batch of worker outcomes in ONE statement (UPDATE … FROM
 * json_to_recordset of one JSON parameter).
 *
 * Idempotent and order-proof, so results delivered twice, late or out of
 * order change nothing they should not:
 * - a run that reached a final status (completed, failed, dead, cancelled) is never
 *   touched again;
 * - a non-final failure applies only if its attempt is not older than the
 *   attempts already recorded.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { WorkflowOutcome } from '../dto/index.js';

/** One row of the statement's recordset (column names as in the SQL). */
interface Row {
  id: string;
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

/** Returns the ids of the runs that changed. */
export async function recordOutcomes(em: SqlEntityManager, outcomes: readonly WorkflowOutcome[]): Promise<string[]> {
  const rows = collapseOutcomes(outcomes).map(toRow);
  if (rows.length === 0) return [];
  // All rows travel as ONE JSON parameter: the ORM escapes one string instead
  // of eight values per row, and PostgreSQL parses the document in C.
  const updated = await em.execute<{ id: string }[]>(
    `update workflow_run as r set
        status = v.status,
        attempts = greatest(r.attempts, v.attempt),
        result = coalesce(v.result::jsonb, r.result),
        error = v.error,
        started_at = coalesce(r.started_at, v.started_at),
        finished_at = case when v.final then v.finished_at else r.finished_at end
      from json_to_recordset(?::json)
        as v(id uuid, status text, attempt int, result text, error text, started_at timestamptz, finished_at timestamptz, final boolean)
      where r.id = v.id
        and r.status not in ('completed', 'failed', 'dead', 'cancelled')
        and (v.final or v.attempt >= r.attempts)
      returning r.id`,
    [JSON.stringify(rows)],
  );
  return updated.map((row) => String(row.id));
}
