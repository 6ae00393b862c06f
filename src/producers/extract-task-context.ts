/**
 * The session boundary. Takes a task whose `motivationalState` the caller
 * loaded (the `Loaded<>` type demands it at compile time; `isInitialized`
 * checks it at run time, since a cast or an `any` can lie) and copies the
 * fields a workflow may see into a validated, plain `TaskSpawnContext`.
 * Nothing that comes out of here refers to the ORM.
 */
import { Reference, wrap, type Loaded } from '@mikro-orm/core';
import { z } from 'zod';
import { TaskSpawnContext, type TaskSpawnContextWire } from '../dto/index.js';
import { findJsonInputProblem, METADATA_LIMITS, textProblem, type JsonInputProblem } from '../dto/input-limits.js';
import type { MotivationalTask } from '../control-plane/entities/index.js';
import { assertPlainJson } from './assert-plain-json.js';
import { InvalidTaskContextError } from './errors/invalid-task-context-error.js';
import { RelationNotLoadedError } from './errors/relation-not-loaded-error.js';

export type SpawnableTask = Loaded<MotivationalTask, 'motivationalState'>;

export interface ExtractedTaskContext {
  context: TaskSpawnContext;
  /** The same context in wire form (dates as ISO strings), validated both ways: what the payload carries. */
  wire: TaskSpawnContextWire;
}

export function extractTaskContext(task: SpawnableTask): TaskSpawnContext {
  return extractTaskContextAndWire(task).context;
}

/** As `extractTaskContext`, also returning the wire form it validated, so the producer need not encode it again. */
export function extractTaskContextAndWire(task: SpawnableTask): ExtractedTaskContext {
  const candidate = taskContextCandidate(task);
  // The candidate holds a Date; validate the wire form so the codec runs both ways.
  const encoded = encodeOrExplain(task.id, candidate);
  const parsed = TaskSpawnContext.safeParse(encoded);
  if (!parsed.success) throw invalid(task.id, parsed.error);
  return { context: parsed.data, wire: encoded };
}

/**
 * The context a task makes, checked for what stored data may hold but not
 * yet validated: the built-in spawnable's `extract` (spawn.ts validates it
 * against the contract, both ways, as for any spawnable).
 */
export function taskContextCandidate(task: SpawnableTask): TaskSpawnContext {
  const ref = task.motivationalState as unknown;
  // A Ref relation (`.ref()`): the entity is behind it. A cast or an `any` may hand a bare entity.
  const state = (Reference.isReference(ref) ? (ref.isInitialized() ? ref.unwrap() : null) : ref) as SpawnableTask['motivationalState']['$'] | null | undefined;
  if (!state || !wrap(state, true).isInitialized()) {
    throw new RelationNotLoadedError(task.id, 'motivationalState');
  }
  // Before any walk that recurses (assertPlainJson, zod's z.json()): stored data may come from any writer.
  const refused = findStoredInputProblem(task, state.motivationType);
  if (refused) throw new InvalidTaskContextError(task.id, [{ path: refused.path, message: refused.reason }]);
  if (task.metadata != null) assertPlainJson(task.metadata, `task ${task.id} metadata`);
  return {
    taskId: task.id,
    generatedPrompt: task.generatedPrompt,
    motivationType: state.motivationType,
    // Typed number | string by the double column; a string is refused by the contract's validation.
    intensity: state.intensity as number,
    priority: task.taskPriority,
    arbitrationScore: task.arbitrationScore as number,
    createdAt: task.createdAt,
    ...(task.metadata != null ? { metadata: task.metadata as TaskSpawnContext['metadata'] } : {}),
  };
}

function encodeOrExplain(taskId: string, candidate: unknown) {
  try {
    return z.encode(TaskSpawnContext, candidate as TaskSpawnContext);
  } catch (error) {
    if (error instanceof z.ZodError) throw invalid(taskId, error);
    throw error;
  }
}

function invalid(taskId: string, error: z.ZodError): InvalidTaskContextError {
  const fields = error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  return new InvalidTaskContextError(taskId, fields, { cause: error });
}

/**
 * The API's checks again, on what was read back: text that cannot travel
 * unchanged (NUL, lone surrogates) and metadata over METADATA_LIMITS. A task
 * written by another program, or before these limits existed, is refused
 * with the field named instead of overflowing a parser.
 */
function findStoredInputProblem(task: SpawnableTask, motivationType: string): JsonInputProblem | null {
  return (
    (typeof task.generatedPrompt === 'string' ? textProblem(task.generatedPrompt, 'generatedPrompt') : null) ??
    (typeof motivationType === 'string' ? textProblem(motivationType, 'motivationType') : null) ??
    (task.metadata != null ? findJsonInputProblem(task.metadata, 'metadata', METADATA_LIMITS) : null)
  );
}
