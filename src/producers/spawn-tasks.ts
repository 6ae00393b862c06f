/**
 * `spawnTasks`: task ids in, one WorkflowRun and one outbox row per task out,
 * written in one transaction — or in the caller's, when called from inside
 * `em.transactional`, so an application can create a task and spawn it
 * atomically with its own writes. Nothing is sent to Redis here: the relay
 * does that after commit, so a rolled-back spawn never becomes a job.
 *
 * Statement count is constant per batch: one joined SELECT per 5,000 ids, one
 * multi-row INSERT per 1,000 runs and outbox rows, one NOTIFY.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { TASK_SPAWN_CONTEXT_VERSION, WORKFLOW_JOB_NAME, WORKFLOW_QUEUE, wrapTaskSpawnContext } from '../dto/index.js';
import { insertOutboxMessages, insertRuns, notifyOutbox, type NewOutboxMessage, type NewRun } from '../outbox/outbox-sql.js';
import type { WorkflowRegistry } from '../workflows/registry.js';
import { assertPlainJson } from './assert-plain-json.js';
import { PayloadTooLargeError } from './errors/payload-too-large-error.js';
import { UnknownTaskError } from './errors/unknown-task-error.js';
import { UnknownWorkflowError } from './errors/unknown-workflow-error.js';
import { extractTaskContext } from './extract-task-context.js';
import { loadSpawnableTasks } from './load-spawnable-tasks.js';

export interface SpawnOptions {
  /** Decides which workflow runs a task; a task no workflow handles is refused. */
  registry: WorkflowRegistry;
  /** Largest serialized payload, in bytes. */
  maxPayloadBytes: number;
  /** The queue a task's job goes to, by motivation type. @defaultValue always `workflows` */
  queueFor?: (motivationType: string) => string;
}

export interface SpawnedRun {
  runId: string;
  taskId: string;
  workflow: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** BullMQ's largest priority; task priorities above it are clamped. */
const MAX_BULLMQ_PRIORITY = 2_097_152;

export async function spawnTasks(em: EntityManager, taskIds: readonly string[], options: SpawnOptions): Promise<SpawnedRun[]> {
  if (taskIds.length === 0) return [];
  const malformed = taskIds.filter((id) => !UUID.test(id));
  if (malformed.length > 0) throw new UnknownTaskError(malformed);

  // A fork of our own, so no entity of this call stays in the caller's identity
  // map; it keeps the caller's transaction when there is one.
  const session = em.fork({ clear: true, keepTransactionContext: true }) as SqlEntityManager;
  try {
    const tasks = await loadSpawnableTasks(session, taskIds);
    const now = new Date();
    const runs: NewRun[] = [];
    const messages: NewOutboxMessage[] = [];
    for (const task of tasks) {
      const context = extractTaskContext(task);
      const workflow = options.registry.forMotivation(context.motivationType);
      if (!workflow) throw new UnknownWorkflowError(task.id, context.motivationType, options.registry.motivationTypes);
      const envelope = wrapTaskSpawnContext(context);
      assertPlainJson(envelope, 'payload');
      const bytes = Buffer.byteLength(JSON.stringify(envelope));
      if (bytes > options.maxPayloadBytes) throw new PayloadTooLargeError(task.id, bytes, options.maxPayloadBytes);
      const runId = randomUUID();
      runs.push({ id: runId, taskId: task.id, workflow: workflow.name, payloadVersion: TASK_SPAWN_CONTEXT_VERSION, enqueuedAt: now });
      messages.push({
        runId,
        queue: options.queueFor?.(context.motivationType) ?? WORKFLOW_QUEUE,
        jobName: WORKFLOW_JOB_NAME,
        payload: envelope,
        priority: Math.min(Math.max(context.priority, 0), MAX_BULLMQ_PRIORITY),
        createdAt: now,
      });
    }
    const write = async (tx: SqlEntityManager) => {
      await insertRuns(tx, runs);
      await insertOutboxMessages(tx, messages);
      await notifyOutbox(tx);
    };
    if (session.isInTransaction()) await write(session);
    else await session.transactional((tx) => write(tx as SqlEntityManager));
    return runs.map((run) => ({ runId: run.id, taskId: run.taskId, workflow: run.workflow }));
  } finally {
    session.clear();
  }
}
