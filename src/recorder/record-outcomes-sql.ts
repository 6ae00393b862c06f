/**
 * Writes a batch of worker outcomes in ONE statement (UPDATE … FROM VALUES).
 *
 * Idempotent and order-proof, so results delivered twice, late or out of
 * order change nothing they should not:
 * - a run that reached a final status (completed, failed, dead) is never
 *   touched again;
 * - a non-final failure applies only if its attempt is not older than the
 *   attempts already recorded.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { WorkflowOutcome } from '../dto/index.js';

interface Row {
  id: string;
  status: 'completed' | 'running' | 'dead';
  attempt: number;
  result: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  final: boolean;
}

function toRow(outcome: WorkflowOutcome): Row {
  const base = {
    id: outcome.runId,
    attempt: outcome.attempt,
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: outcome.finishedAt.toISOString(),
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
  const values = rows.map(() => '(?::uuid, ?::text, ?::int, ?::jsonb, ?::text, ?::timestamptz, ?::timestamptz, ?::boolean)').join(', ');
  const params = rows.flatMap((r) => [r.id, r.status, r.attempt, r.result, r.error, r.startedAt, r.finishedAt, r.final]);
  const updated = await em.execute<{ id: string }[]>(
    `update workflow_run as r set
        status = v.status,
        attempts = greatest(r.attempts, v.attempt),
        result = coalesce(v.result, r.result),
        error = v.error,
        started_at = coalesce(r.started_at, v.started_at),
        finished_at = case when v.final then v.finished_at else r.finished_at end
      from (values ${values}) as v(id, status, attempt, result, error, started_at, finished_at, final)
      where r.id = v.id
        and r.status not in ('completed', 'failed', 'dead')
        and (v.final or v.attempt >= r.attempts)
      returning r.id`,
    params,
  );
  return updated.map((row) => String(row.id));
}
