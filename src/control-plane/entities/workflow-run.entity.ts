import { defineEntity, p } from '@mikro-orm/core';
import { RUN_STATUSES } from '../../dto/run-status.js';

export * from '../../dto/run-status.js';

export const WorkflowRunSchema = defineEntity({
  name: 'WorkflowRun',
  tableName: 'workflow_run',
  indexes: [{ name: 'workflow_run_spawnable_subject_id_index', properties: ['spawnable', 'subjectId'] }],
  properties: {
    /** Also the BullMQ job id, which makes a re-sent job a no-op. */
    id: p.uuid().primary(),
    /** The spawnable it came from (its registered name) and its subject's primary key, as text: no foreign key. */
    spawnable: p.text(),
    subjectId: p.text(),
    /** The built-in spawnable's task id (= subjectId), kept for the /tasks routes; null for other spawnables. */
    taskId: p.uuid().nullable().index(),
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
