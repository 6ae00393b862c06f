/** Read-only queries over workflow_run for progress displays and summaries. */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { RUN_STATUSES, type RunStatus } from './entities/index.js';
import { sqlIdArrayLiteral } from './db/sql-literal.js';

export type StatusCounts = Record<RunStatus, number>;

export async function countRunsByStatus(em: SqlEntityManager, runIds?: readonly string[]): Promise<StatusCounts> {
  // The ids are inlined (sqlIdArrayLiteral): a progress display polls this with every run id of a large spawn.
  const rows = await em.execute<{ status: RunStatus; n: string | number }[]>(
    runIds
      ? `select status, count(*) as n from workflow_run where id = any(${sqlIdArrayLiteral(runIds)}::uuid[]) group by status`
      : `select status, count(*) as n from workflow_run group by status`,
  );
  const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export interface LatencyStats {
  p50: number;
  p99: number;
  max: number;
}

/** Spawn (enqueued_at) to finish (finished_at) of completed runs, in ms. */
export async function spawnToFinishLatency(em: SqlEntityManager): Promise<LatencyStats> {
  const [row] = await em.execute<{ p50: number | null; p99: number | null; max: number | null }[]>(
    `select percentile_cont(0.5) within group (order by ms) as p50,
            percentile_cont(0.99) within group (order by ms) as p99,
            max(ms) as max
       from (select extract(epoch from (finished_at - enqueued_at)) * 1000 as ms
               from workflow_run where status = 'completed') t`,
  );
  return { p50: Number(row?.p50 ?? 0), p99: Number(row?.p99 ?? 0), max: Number(row?.max ?? 0) };
}

/** The most frequent errors of runs that did not complete, most common first. */
export async function topFailureReasons(em: SqlEntityManager, limit = 3): Promise<{ error: string; runs: number }[]> {
  const rows = await em.execute<{ error: string | null; n: string | number }[]>(
    `select error, count(*) as n from workflow_run where status in ('failed', 'dead') group by error order by n desc limit ?`,
    [limit],
  );
  return rows.map((row) => ({ error: row.error ?? '(no error recorded)', runs: Number(row.n) }));
}
