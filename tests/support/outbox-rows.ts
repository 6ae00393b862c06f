/**
 * The outbox as tests look at it: the outbox is the run row itself
 * (workflow_run's queue, job name, payload, … and dispatch state), so these
 * read it with SQL — the entity maps none of those columns.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';

export interface OutboxView {
  runId: string;
  queue: string | null;
  jobName: string | null;
  payload: unknown;
  priority: number;
  jobOptions: unknown;
  runAt: Date | null;
  dispatchedAt: Date | null;
}

/** The runs' outbox content, in the relay's order (all runs when no ids). */
export async function readOutbox(em: SqlEntityManager, runIds?: readonly string[]): Promise<OutboxView[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, queue, job_name, payload, priority, job_options, run_at, dispatched_at from workflow_run
      where ?::uuid[] is null or id = any(?::uuid[]) order by dispatch_seq, id`,
    runIds ? [`{${runIds.join(',')}}`, `{${runIds.join(',')}}`] : [null, null],
  );
  return rows.map((row) => ({
    runId: String(row.id),
    queue: row.queue as string | null,
    jobName: row.job_name as string | null,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
    priority: Number(row.priority),
    jobOptions: typeof row.job_options === 'string' ? (JSON.parse(row.job_options) as unknown) : row.job_options,
    runAt: row.run_at ? new Date(row.run_at as string) : null,
    dispatchedAt: row.dispatched_at ? new Date(row.dispatched_at as string) : null,
  }));
}

/** The run's outbox content; throws when the run does not exist. */
export async function readOutboxOf(em: SqlEntityManager, runId: string): Promise<OutboxView> {
  const [row] = await readOutbox(em, [runId]);
  if (!row) throw new Error(`no run ${runId}`);
  return row;
}

/** Runs holding a payload to send; `dispatched` narrows to sent (true) or still to send (false). */
export async function countOutbox(em: SqlEntityManager, options: { dispatched?: boolean } = {}): Promise<number> {
  const dispatched = options.dispatched === undefined ? '' : options.dispatched ? ' and dispatched_at is not null' : ' and dispatched_at is null';
  const [row] = await em.execute<{ n: string | number }[]>(`select count(*) as n from workflow_run where payload is not null${dispatched}`);
  return Number(row?.n ?? 0);
}
