/**
 * `spawn`: a spawnable's subject ids in, one WorkflowRun and one outbox row
 * per subject out. Per batch of `batchSize` ids: load (constant statements,
 * load-subjects.ts), check populated relations, extract behind the relation
 * guard, validate against the contract both ways, refuse what is not plain
 * JSON (naming the path) or too big, route to a workflow, write (one
 * statement per SPAWN_WRITE_CHUNK runs) — then the batch's entities are
 * dropped (`session.clear()`), so a spawn of 200,000 ids never holds them all.
 *
 * Atomic: one batch is one write statement; several run in one transaction —
 * the caller's, when called from inside `em.transactional`, so an application
 * can create its entities and spawn them together. Nothing is sent to Redis
 * here: the relay does that after commit, so a rolled-back spawn never
 * becomes a job.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { runJobPolicyOf, WORKFLOW_JOB_NAME, WORKFLOW_QUEUE, type JsonSafeObject, type JsonValue } from '../dto/index.js';
import { findJsonInputProblem, METADATA_LIMITS } from '../dto/input-limits.js';
import { insertSpawnedRuns, type NewOutboxMessage, type NewRun } from '../control-plane/outbox/outbox-sql.js';
import type { WorkflowRegistry } from '../workers/workflows/registry.js';
import { clampBullmqPriority } from '../shared/redis/bullmq-priority.js';
import { assertPlainJson } from './assert-plain-json.js';
import { InvalidSpawnMetadataError } from './errors/invalid-spawn-metadata-error.js';
import { InvalidSpawnTimeError } from './errors/invalid-spawn-time-error.js';
import { InvalidTaskContextError } from './errors/invalid-task-context-error.js';
import { NotPlainJsonError } from './errors/not-plain-json-error.js';
import { PayloadTooLargeError } from './errors/payload-too-large-error.js';
import { UnknownWorkflowError } from './errors/unknown-workflow-error.js';
import { loadSubjects, subjectKeyOf } from './load-subjects.js';
import { assertPopulated, guard, type GuardContext } from './relation-guard.js';
import { InvalidSpawnableError, type Spawnable } from './spawnable.js';

/** Ids per batch by default: loaded, extracted and written together, then dropped. */
export const DEFAULT_SPAWN_BATCH = 1_000;

/** What a caller may add to a spawn. */
export interface SpawnRequestOptions<M extends object = never> {
  /**
   * Extra plain JSON merged into every payload's metadata (the built-in
   * spawnable: `TaskSpawnContext.metadata`, shallow; these keys win). Must be
   * a JSON object: entities, references, dates, class instances… are refused
   * at compile time (`JsonSafeObject`) and at run time (`assertPlainJson`),
   * naming the path. A spawnable without `mergeMetadata` refuses it.
   * @defaultValue none: each subject's own data only
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
  /** Ids loaded, extracted and written per batch (memory is bounded by one batch). @defaultValue 1000 */
  batchSize?: number;
}

export interface SpawnOptions<M extends object = never> extends SpawnRequestOptions<M> {
  /** Decides which workflow runs a payload; a payload no workflow handles is refused. */
  registry: WorkflowRegistry;
  /** Largest serialized payload, in bytes. */
  maxPayloadBytes: number;
  /** The queue of a route's queue key. @defaultValue always `workflows` */
  queueFor?: (queueKey: string) => string;
}

export interface SpawnedSubjectRun {
  runId: string;
  subjectId: string;
  workflow: string;
}

export async function spawn<M extends object = never>(
  em: EntityManager,
  spawnable: Spawnable,
  requestedIds: readonly string[],
  options: SpawnOptions<M>,
): Promise<SpawnedSubjectRun[]> {
  const extraMetadata = checkExtraMetadata(spawnable, options.metadata);
  const runAt = dueTimeOf(options);
  const batchSize = options.batchSize ?? DEFAULT_SPAWN_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidSpawnableError(spawnable.name, `batchSize ${JSON.stringify(batchSize)} is not a whole number >= 1`);
  if (requestedIds.length === 0) return [];
  // A fork of our own, so no entity of this call stays in the caller's identity
  // map; it keeps the caller's transaction when there is one.
  const session = em.fork({ clear: true, keepTransactionContext: true }) as SqlEntityManager;
  const key = subjectKeyOf(session, spawnable);
  const ids = key.normalize(requestedIds);
  const spawned: SpawnedSubjectRun[] = [];
  const all = async (tx: SqlEntityManager) => {
    for (let i = 0; i < ids.length; i += batchSize) {
      spawned.push(...(await spawnBatch(tx, spawnable, key.property, ids.slice(i, i + batchSize), options, extraMetadata, runAt)));
      // The batch's entities are written: drop them before the next batch is loaded.
      tx.clear();
    }
  };
  try {
    // One batch is one write statement, atomic by itself; several need a transaction.
    if (session.isInTransaction() || ids.length <= batchSize) await all(session);
    else await session.transactional((tx) => all(tx));
    return spawned;
  } finally {
    session.clear();
  }
}

async function spawnBatch(
  session: SqlEntityManager,
  spawnable: Spawnable,
  pk: string,
  ids: readonly string[],
  options: SpawnOptions<never> | SpawnOptions<object>,
  extraMetadata: Record<string, JsonValue> | undefined,
  runAt: Date | null,
): Promise<SpawnedSubjectRun[]> {
  const { contract } = spawnable;
  const subjects = await loadSubjects(session, spawnable, { property: pk, normalize: (x) => [...x] }, ids);
  const metadata = session.getMetadata();
  const now = new Date();
  const runs: NewRun[] = [];
  const messages: NewOutboxMessage[] = [];
  for (const subject of subjects) {
    const subjectId = String((subject as Record<string, unknown>)[pk]);
    const ctx: GuardContext = { metadata, subjectId, subject: spawnable.subject };
    assertPopulated(ctx, subject, spawnable.populate);
    const data = spawnable.extract(guard(ctx, subject));
    // Validated both ways: encoded (dates become ISO strings), then the wire form parsed.
    const encoded = encodeOrExplain(spawnable, subjectId, data);
    const parsed = contract.schema.safeParse(encoded);
    if (!parsed.success) throw invalid(spawnable, subjectId, parsed.error);
    const route = contract.route(parsed.data);
    const workflow = options.registry.forRoute(contract.name, route);
    if (!workflow) {
      const routeWord = contract.routeNamespace === '' ? 'motivation type' : `route of ${contract.name}`;
      throw new UnknownWorkflowError(subjectId, route, options.registry.routesOf(contract.name), spawnable.subject, routeWord);
    }
    const wire = extraMetadata && spawnable.mergeMetadata ? spawnable.mergeMetadata(encoded, extraMetadata) : encoded;
    const envelope = { schema: contract.name, v: contract.version, data: wire };
    assertPlainJson(envelope, 'payload');
    // Serialized once: for the size check and for the outbox row.
    const payloadJson = JSON.stringify(envelope);
    const bytes = Buffer.byteLength(payloadJson);
    if (bytes > options.maxPayloadBytes) throw new PayloadTooLargeError(subjectId, bytes, options.maxPayloadBytes, spawnable.subject);
    const runId = randomUUID();
    runs.push({
      id: runId,
      spawnable: spawnable.name,
      subjectId,
      taskId: spawnable.recordsTaskId ? subjectId : null,
      workflow: workflow.name,
      payloadVersion: contract.version,
      enqueuedAt: now,
      runAt,
    });
    messages.push({
      runId,
      queue: options.queueFor?.(contract.queueKey(route)) ?? WORKFLOW_QUEUE,
      jobName: WORKFLOW_JOB_NAME,
      payloadJson,
      priority: contract.priority ? clampBullmqPriority(contract.priority(parsed.data)) : 0,
      createdAt: now,
      jobOptions: runJobPolicyOf(workflow),
      runAt,
    });
  }
  await insertSpawnedRuns(session, runs, messages);
  return runs.map((run) => ({ runId: run.id, subjectId: run.subjectId, workflow: run.workflow }));
}

function encodeOrExplain(spawnable: Spawnable, subjectId: string, data: unknown): unknown {
  try {
    return z.encode(spawnable.contract.schema, data);
  } catch (error) {
    if (error instanceof z.ZodError) throw invalid(spawnable, subjectId, error);
    throw error;
  }
}

function invalid(spawnable: Spawnable, subjectId: string, error: z.ZodError): InvalidTaskContextError {
  const fields = error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  return new InvalidTaskContextError(subjectId, fields, { cause: error }, spawnable.subject);
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
function checkExtraMetadata(spawnable: Spawnable, metadata: unknown): Record<string, JsonValue> | undefined {
  if (metadata === undefined) return undefined;
  // Types can be bypassed (`any`, casts, JavaScript callers): walk the real value
  // (assertPlainJson stops at 64 levels, so it recurses safely), then the limits.
  assertPlainJson(metadata, 'metadata');
  const refused = findJsonInputProblem(metadata, 'metadata', METADATA_LIMITS);
  if (refused) throw new NotPlainJsonError(refused.path, 'a value over the input limits', refused.reason);
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidSpawnMetadataError(Array.isArray(metadata) ? 'an array' : metadata === null ? 'null' : `a ${typeof metadata}`);
  }
  if (!spawnable.mergeMetadata) throw new InvalidSpawnableError(spawnable.name, 'it takes no metadata (it has no mergeMetadata)');
  return metadata as Record<string, JsonValue>;
}
