import { defineEntity, p } from '@mikro-orm/core';
import { MotivationalTask } from './motivational-task.entity.js';

/**
 * pending: written with its outbox row, not yet in Redis.
 * queued: the relay put the job into BullMQ.
 * running: an attempt failed and another will follow (attempts > 0).
 * completed | failed | dead: final. `failed` is reserved for runs failed by an
 * operator; a run that exhausts its attempts is `dead` (dead-letter queue).
 */
export const RUN_STATUSES = ['pending', 'queued', 'running', 'completed', 'failed', 'dead'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'dead'];

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
    queuedAt: p.datetime().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export class WorkflowRun extends WorkflowRunSchema.class {}
WorkflowRunSchema.setClass(WorkflowRun);
