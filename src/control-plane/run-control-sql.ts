/**
 * The PostgreSQL half of cancel and operator fail: one transaction that
 * makes runs final. The runs are locked first, in id order (so two stops
 * cannot deadlock); a run a relay holds is waited for — its job is then in
 * Redis, and the run is `queued` and dispatched by the relay's commit. Then
 * the runs that are not final yet are made final in one UPDATE, which also
 * marks a pending or delayed run dispatched (the run row is its outbox row),
 * so it is never sent. A relay never waits for a lock (SKIP LOCKED), so it
 * cannot deadlock with this.
 * Whoever commits first decides: a run recorded completed (or dead) before
 * the stop stays so; a run stopped first ignores the outcome that arrives
 * later (the recorder never changes a final status).
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { isFinalRunStatus, type RunStatus } from './entities/index.js';
import type { StopStatus } from '../shared/redis/run-control-store.js';

export type { StopStatus };

export interface StopRow {
  runId: string;
  /** The status before the stop (for a stopped run), or its final status (for one left as it was). */
  status: RunStatus;
  workflow: string;
}

export interface StopResult {
  /** Runs made final by this call, with the status they had. */
  stopped: StopRow[];
  /** Runs already final, left as they were. */
  alreadyFinal: StopRow[];
  unknown: string[];
}

export async function stopRuns(em: SqlEntityManager, runIds: readonly string[], status: StopStatus, error: string, at: Date): Promise<StopResult> {
  const ids = `{${runIds.join(',')}}`;
  return em.transactional(async (tx) => {
    const t = tx;
    const rows = await t.execute<{ id: string; status: RunStatus; workflow: string }[]>(
      `select id, status, workflow from workflow_run where id = any(?::uuid[]) order by id for update`,
      [ids],
    );
    const stoppable = rows.filter((row) => !isFinalRunStatus(row.status));
    if (stoppable.length > 0) {
      await t.execute(`update workflow_run set status = ?, error = ?, finished_at = ?, dispatched_at = coalesce(dispatched_at, ?) where id = any(?::uuid[])`, [
        status,
        error,
        at.toISOString(),
        at.toISOString(),
        `{${stoppable.map((row) => row.id).join(',')}}`,
      ]);
    }
    const found = new Set(rows.map((row) => String(row.id)));
    const toRow = (row: { id: string; status: RunStatus; workflow: string }): StopRow => ({
      runId: String(row.id),
      status: row.status,
      workflow: row.workflow,
    });
    return {
      stopped: stoppable.map(toRow),
      alreadyFinal: rows.filter((row) => !stoppable.includes(row)).map(toRow),
      unknown: runIds.filter((id) => !found.has(id)),
    };
  });
}

/** Runs stopped by an operator, by status (read through the status index: costs what there is to count). */
export async function countStoppedRuns(em: SqlEntityManager): Promise<Record<StopStatus, number>> {
  const rows = await em.execute<{ status: StopStatus; n: string | number }[]>(
    `select status, count(*) as n from workflow_run where status in ('cancelled', 'failed') group by status`,
  );
  const counts: Record<StopStatus, number> = { cancelled: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
