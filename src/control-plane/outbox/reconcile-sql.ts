/**
 * The reconciler's SQL (see run-reconciler.ts), one named function per
 * statement.
 *
 * Locking: `claimReconcileBatch` locks the runs it returns and their outbox
 * rows `FOR UPDATE SKIP LOCKED` for the rest of the reconciler's
 * transaction, so two control planes reconciling at once each look at
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
 * Redis and were sent before `sentBefore`. Uses the status index; the join
 * is by the outbox's unique run_id.
 */
export async function claimReconcileBatch(
  em: SqlEntityManager,
  options: { sentBefore: Date; afterId: string | null; limit: number },
): Promise<ReconcileCandidate[]> {
  const rows = await em.execute<{ id: string; queue: string }[]>(
    `select r.id, o.queue from workflow_run r join outbox_message o on o.run_id = r.id
      where r.status in ('${IN_REDIS_STATUSES.join("', '")}')
        and r.queued_at is not null and r.queued_at <= ?
        and o.dispatched_at is not null
        and (?::uuid is null or r.id > ?::uuid)
      order by r.id limit ?
      for update of r, o skip locked`,
    [options.sentBefore.toISOString(), options.afterId, options.afterId, options.limit],
  );
  return rows.map((row) => ({ runId: String(row.id), queue: String(row.queue) }));
}

/**
 * Puts runs back into the outbox (undispatched) and clears their
 * `queued_at`, in one statement that also wakes every relay (NOTIFY, on
 * commit). The relay sends them again with the run id as job id, from the
 * payload kept in the outbox row. Returns the ids re-sent.
 */
export async function resendRuns(em: SqlEntityManager, runIds: readonly string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `with reset as (
       update outbox_message set dispatched_at = null where run_id = any(?::uuid[]) and dispatched_at is not null returning run_id
     ), runs as (
       update workflow_run set queued_at = null where id in (select run_id from reset) returning id
     ), wake as (
       select pg_notify('${OUTBOX_CHANNEL}', '')
     )
     select id from runs, wake`,
    [`{${runIds.join(',')}}`],
  );
  return rows.map((row) => String(row.id));
}
