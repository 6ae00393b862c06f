/**
 * `spawnTasks`: task ids in, one WorkflowRun and one outbox row per task out,
 * written atomically (one statement, or one transaction for more than 5,000
 * tasks) — or in the caller's transaction, when called from inside
 * `em.transactional`, so an application can create a task and spawn it
 * atomically with its own writes. Nothing is sent to Redis here: the relay
 * does that after commit, so a rolled-back spawn never becomes a job.
 *
 * Statement count is constant per batch: one joined SELECT per 5,000 ids and
 * one write statement (runs + outbox rows + NOTIFY) per 5,000 tasks.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import {
  runJobPolicyOf,
  TASK_SPAWN_CONTEXT_SCHEMA,
  TASK_SPAWN_CONTEXT_VERSION,
  WORKFLOW_JOB_NAME,
  WORKFLOW_QUEUE,
  type JsonSafeObject,
  type JsonValue,
  type TaskSpawnContextWire,
  type TaskSpawnEnvelope,
} from '../dto/index.js';
import { findJsonInputProblem, METADATA_LIMITS } from '../dto/input-limits.js';
import { insertSpawnedRuns, SPAWN_WRITE_CHUNK, type NewOutboxMessage, type NewRun } from '../control-plane/outbox/outbox-sql.js';
import type { WorkflowRegistry } from '../workers/workflows/registry.js';
import { assertPlainJson } from './assert-plain-json.js';
import { InvalidSpawnMetadataError } from './errors/invalid-spawn-metadata-error.js';
import { InvalidSpawnTimeError } from './errors/invalid-spawn-time-error.js';
import { NotPlainJsonError } from './errors/not-plain-json-error.js';
import { PayloadTooLargeError } from './errors/payload-too-large-error.js';
import { UnknownTaskError } from './errors/unknown-task-error.js';
import { UnknownWorkflowError } from './errors/unknown-workflow-error.js';
import { extractTaskContextAndWire } from './extract-task-context.js';
import { loadSpawnableTasks } from './load-spawnable-tasks.js';
import { isUuid, normalizeUuid } from '../dto/uuid.js';
import { clampBullmqPriority } from '../shared/redis/bullmq-priority.js';

/** What a caller may add to a spawn. */
export interface SpawnRequestOptions<M extends object = never> {
  /**
   * Extra plain JSON merged into every spawned task's `TaskSpawnContext.metadata`
   * (shallow; these keys win over the task's own). Must be a JSON object:
   * entities, references, dates, class instances… are refused at compile
   * time (`JsonSafeObject`) and at run time (`assertPlainJson`), naming the path.
   * @defaultValue none: each task's own metadata only
   */
  metadata?: JsonSafeObject<M, 'metadata'>;
  /**
   * Start the runs no earlier than this: they stay `delayed` in the outbox
   * until then, and the relay sends them once due (within about
   * NYX_RELAY_POLL_MS). A time already past starts them at once. Not with `delayMs`.
   * @defaultValue now
   */
  runAt?: Date;
  /** Start the runs no earlier than this many ms from now (as `runAt`). Not with `runAt`. @defaultValue 0 */
  delayMs?: number;
}

export interface SpawnOptions<M extends object = never> extends SpawnRequestOptions<M> {
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

export async function spawnTasks<M extends object = never>(
  em: EntityManager,
  requestedIds: readonly string[],
  options: SpawnOptions<M>,
): Promise<SpawnedRun[]> {
  const extraMetadata = checkExtraMetadata(options.metadata);
  const runAt = dueTimeOf(options);
  if (requestedIds.length === 0) return [];
  const malformed = requestedIds.filter((id) => !isUuid(id));
  if (malformed.length > 0) throw new UnknownTaskError(malformed);
  // Any case in, lower case on: the form the database returns, so ids compare as strings.
  const taskIds = requestedIds.map((id) => normalizeUuid(id)!);

  // A fork of our own, so no entity of this call stays in the caller's identity
  // map; it keeps the caller's transaction when there is one.
  const session = em.fork({ clear: true, keepTransactionContext: true }) as SqlEntityManager;
  try {
    const tasks = await loadSpawnableTasks(session, taskIds);
    const now = new Date();
    const runs: NewRun[] = [];
    const messages: NewOutboxMessage[] = [];
    for (const task of tasks) {
      // Extraction validated the context both ways; its wire form is the payload's data, and
      // the payload is serialized once: for the size check and for the outbox row.
      const { context, wire } = extractTaskContextAndWire(task);
      const workflow = options.registry.forMotivation(context.motivationType);
      if (!workflow) throw new UnknownWorkflowError(task.id, context.motivationType, options.registry.motivationTypes);
      const envelope: TaskSpawnEnvelope = { schema: TASK_SPAWN_CONTEXT_SCHEMA, v: TASK_SPAWN_CONTEXT_VERSION, data: withMetadata(wire, extraMetadata) };
      assertPlainJson(envelope, 'payload');
      const payloadJson = JSON.stringify(envelope);
      const bytes = Buffer.byteLength(payloadJson);
      if (bytes > options.maxPayloadBytes) throw new PayloadTooLargeError(task.id, bytes, options.maxPayloadBytes);
      const runId = randomUUID();
      runs.push({ id: runId, taskId: task.id, workflow: workflow.name, payloadVersion: TASK_SPAWN_CONTEXT_VERSION, enqueuedAt: now, runAt });
      messages.push({
        runId,
        queue: options.queueFor?.(context.motivationType) ?? WORKFLOW_QUEUE,
        jobName: WORKFLOW_JOB_NAME,
        payloadJson,
        priority: clampBullmqPriority(context.priority),
        createdAt: now,
        jobOptions: runJobPolicyOf(workflow),
        runAt,
      });
    }
    // One statement is atomic by itself: a transaction is opened only when the
    // write takes several (more than SPAWN_WRITE_CHUNK tasks).
    if (session.isInTransaction() || runs.length <= SPAWN_WRITE_CHUNK) await insertSpawnedRuns(session, runs, messages);
    else await session.transactional((tx) => insertSpawnedRuns(tx, runs, messages));
    return runs.map((run) => ({ runId: run.id, taskId: run.taskId, workflow: run.workflow }));
  } finally {
    session.clear();
  }
}

/** When a delayed spawn is due, checked before anything is read or written; null: at once. */
function dueTimeOf({ runAt, delayMs }: { runAt?: unknown; delayMs?: unknown }): Date | null {
  if (runAt !== undefined && delayMs !== undefined) throw new InvalidSpawnTimeError('give runAt or delayMs, not both');
  let due: number;
  if (runAt !== undefined) {
    if (!(runAt instanceof Date) || Number.isNaN(runAt.getTime()))
      throw new InvalidSpawnTimeError(`runAt: ${runAt instanceof Date ? 'Invalid Date' : JSON.stringify(runAt)} is not a valid Date`);
    due = runAt.getTime();
  } else if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0) {
      throw new InvalidSpawnTimeError(`delayMs: ${JSON.stringify(delayMs)} is not a whole number of ms >= 0`);
    }
    due = Date.now() + delayMs;
  } else {
    return null;
  }
  return due > Date.now() ? new Date(due) : null;
}

/** The caller's extra metadata, checked once per call, before anything is read or written. */
function checkExtraMetadata(metadata: unknown): Record<string, JsonValue> | undefined {
  if (metadata === undefined) return undefined;
  // Types can be bypassed (`any`, casts, JavaScript callers): walk the real value
  // (assertPlainJson stops at 64 levels, so it recurses safely), then the limits.
  assertPlainJson(metadata, 'metadata');
  const refused = findJsonInputProblem(metadata, 'metadata', METADATA_LIMITS);
  if (refused) throw new NotPlainJsonError(refused.path, 'a value over the input limits', refused.reason);
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidSpawnMetadataError(Array.isArray(metadata) ? 'an array' : metadata === null ? 'null' : `a ${typeof metadata}`);
  }
  return metadata as Record<string, JsonValue>;
}

/** Shallow merge: the caller's keys win over the task's own (both plain JSON, checked by assertPlainJson). */
function withMetadata(wire: TaskSpawnContextWire, extra: Record<string, JsonValue> | undefined): TaskSpawnContextWire {
  return extra ? { ...wire, metadata: { ...wire.metadata, ...extra } } : wire;
}
