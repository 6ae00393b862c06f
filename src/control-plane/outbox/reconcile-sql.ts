/**
 * The reconciler's SQL (see run-reconciler.ts), one named function per
 * statement.
 *
 * Locking: `claimReconcileBatch` locks the runs it returns (the run row is
 * also the outbox row) `FOR UPDATE SKIP LOCKED` for the rest of the
 * reconciler's transaction, so two control planes reconciling at once each look at
 * different runs, and a run is re-sent by one of them only. The re-send
 * (`resendRuns`) clears the run's `queued_at` in the same transaction; once
 * committed, the run no longer matches the claim (`queued_at is null`, then a
 * fresh `queued_at` inside the grace period when the relay sends it again),
 * so a reconciler that waited on the lock and re-reads the row skips it too.
 * Runs busy in the relay or the recorder are locked by them and skipped: the
 * next pass sees them.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { OUTBOX_CHANNEL } from './outbox-sql.js';

/** Statuses in which PostgreSQL says the run's job is in Redis (waiting, active, delayed for a retry). */
export const IN_REDIS_STATUSES = ['queued', 'running'] as const;

export interface ReconcileCandidate {
  runId: string;
  queue: string;
}

/**
 * The next `limit` runs (by id, after `afterId`) that should have a job in
 * Redis and were sent before `sentBefore`, and still hold the payload to
 * send again. Uses the status index.
 */
export async function claimReconcileBatch(
  em: SqlEntityManager,
  options: { sentBefore: Date; afterId: string | null; limit: number },
): Promise<ReconcileCandidate[]> {
  const rows = await em.execute<{ id: string; queue: string }[]>(
    `select id, queue from workflow_run
      where status in ('${IN_REDIS_STATUSES.join("', '")}')
        and queued_at is not null and queued_at <= ?
        and dispatched_at is not null and payload is not null and queue is not null
        and (?::uuid is null or id > ?::uuid)
      order by id limit ?
      for update skip locked`,
    [options.sentBefore.toISOString(), options.afterId, options.afterId, options.limit],
  );
  return rows.map((row) => ({ runId: String(row.id), queue: String(row.queue) }));
}

/**
 * Puts runs back into the outbox — makes them undispatched — and clears
 * their `queued_at`: one UPDATE (one row version per run), in a statement
 * that also wakes every relay (NOTIFY, on commit). The relay sends them
 * again with the run id as job id, from the payload the run row kept; they
 * keep their place in the relay's order. Returns the ids re-sent.
 */
export async function resendRuns(em: SqlEntityManager, runIds: readonly string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `with runs as (
       update workflow_run set dispatched_at = null, queued_at = null
        where id = any(?::uuid[]) and dispatched_at is not null and payload is not null and queue is not null
        returning id
     ), wake as (
       select pg_notify('${OUTBOX_CHANNEL}', '')
     )
     select id from runs, wake`,
    [`{${runIds.join(',')}}`],
  );
  return rows.map((row) => String(row.id));
}
