import { defineEntity, p } from '@mikro-orm/core';
import { MotivationalTask } from './motivational-task.entity.js';

/**
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
/** Runs never handed to a worker yet (held in the outbox). */
export const UNDISPATCHED_RUN_STATUSES: readonly RunStatus[] = ['pending', 'delayed'];

export const WorkflowRunSchema = defineEntity({
  name: 'WorkflowRun',
  tableName: 'workflow_run',
  properties: {
    /** Also the BullMQ job id, which makes a re-sent job a no-op. */
    id: p.uuid().primary(),
    task: () => p.manyToOne(MotivationalTask).index(),
    workflow: p.string().length(64),
    status: p.enum(RUN_STATUSES).default('pending').index(),
    attempts: p.integer().default(0),
    payloadVersion: p.integer(),
    result: p.json<unknown>().nullable(),
    error: p.text().nullable(),
    enqueuedAt: p.datetime(),
    /** When a delayed run is due (spawn's `runAt`/`delayMs`); null for a run spawned to start at once. */
    runAt: p.datetime().nullable(),
    queuedAt: p.datetime().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export class WorkflowRun extends WorkflowRunSchema.class {}
WorkflowRunSchema.setClass(WorkflowRun);
