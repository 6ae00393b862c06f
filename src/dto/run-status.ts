/**
 * A run's statuses, shared by the control plane's SQL, the API and the CLI.
 * Plain constants (no entity, no ORM), so modules that must not load the
 * entities — the recorder runs as a BullMQ worker — can use them too.
 *
 * pending: written with its outbox row, not yet in Redis.
 * delayed: like pending, held in the outbox until its `runAt`.
 * queued: the relay put the job into BullMQ.
 * running: an attempt failed and another will follow (attempts > 0).
 * completed | failed | dead | cancelled: final. `failed` is a run failed by an
 * operator, `cancelled` one cancelled by an operator (docs/run-control.md); a
 * run that exhausts its attempts is `dead` (dead-letter queue).
 */
export const RUN_STATUSES = ['pending', 'delayed', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'dead', 'cancelled'];
/** A final status never changes again (recorder, reconciler, cancel, prune all rely on it). */
export function isFinalRunStatus(status: string): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(status);
}
/** The final statuses as a SQL list, `('completed', …)`, for `status in …` / `not in …`. */
export const FINAL_RUN_STATUSES_SQL = `(${FINAL_RUN_STATUSES.map((status) => `'${status}'`).join(', ')})`;
