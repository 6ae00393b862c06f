import { defineEntity, p } from '@mikro-orm/core';

/**
 * One job waiting to be put into BullMQ. Written in the same transaction as
 * its WorkflowRun; the relay sets `dispatchedAt` once the job is in Redis.
 */
export const OutboxMessageSchema = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox_message',
  // The relay scans only undispatched rows; a partial index keeps that scan
  // small however many dispatched rows wait for pruning.
  indexes: [
    {
      name: 'outbox_message_pending_index',
      expression: 'create index "outbox_message_pending_index" on "outbox_message" ("id") where "dispatched_at" is null',
    },
    { name: 'outbox_message_dispatched_at_index', properties: ['dispatchedAt'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    runId: p.uuid().unique(),
    queue: p.string().length(128),
    jobName: p.string().length(128),
    payload: p.json<unknown>(),
    /** BullMQ priority (1 = highest); 0 means none. */
    priority: p.integer().default(0),
    /** The workflow's attempts and backoff (RunJobPolicy), over the relay's defaults; null: defaults. */
    jobOptions: p.json<unknown>().nullable(),
    /** Not relayed before this (a delayed spawn); null: at once. */
    runAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    dispatchedAt: p.datetime().nullable(),
  },
});

export class OutboxMessage extends OutboxMessageSchema.class {}
OutboxMessageSchema.setClass(OutboxMessage);
