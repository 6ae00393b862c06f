import { defineEntity, p } from '@mikro-orm/core';
import { MotivationalTask } from './motivational-task.entity.js';

import { RUN_STATUSES } from '../../dto/run-status.js';

export * from '../../dto/run-status.js';

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
