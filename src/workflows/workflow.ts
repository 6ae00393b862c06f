/**
 * The workflow definition API. A workflow is plain code that runs in a worker
 * process: it gets a projection of `TaskSpawnContext` (validated by its own
 * input schema) and a context, and returns plain JSON. It can reach nothing
 * of the database side — by construction, since this folder may import only
 * `src/dto` (checked by dependency-cruiser).
 *
 * Contract for authors: delivery is at least once. A worker that dies mid-run
 * leaves the job to be run again, so `run` must be idempotent or use
 * `ctx.runId` as an idempotency key for its side effects.
 */
import type { z } from 'zod';
import type { JsonValue, TaskSpawnContextWire } from '../dto/index.js';

export interface WorkflowContext {
  /** The run's id (also the BullMQ job id): stable across attempts. */
  readonly runId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Reports progress (0..100) to BullMQ; visible in the dashboard. */
  reportProgress(percent: number): Promise<void>;
  /** Aborted when the worker is shutting down and the grace period ran out. */
  readonly signal: AbortSignal;
  /** Structured log lines carrying the run id. */
  log(message: string, fields?: Record<string, unknown>): void;
}

/** Input schemas read the wire form of the payload (dates as ISO strings). */
type InputSchema = z.ZodType<unknown, Partial<TaskSpawnContextWire>>;

export interface WorkflowDefinition<S extends InputSchema = InputSchema> {
  /** Unique name, recorded on each run. */
  readonly name: string;
  /** Motivation types this workflow handles. */
  readonly motivationTypes: readonly string[];
  /** A projection of `TaskSpawnContext` (e.g. `TaskSpawnContext.pick({...})` on the wire schema). */
  readonly input: S;
  run(input: z.output<S>, ctx: WorkflowContext): Promise<JsonValue> | JsonValue;
}

export function defineWorkflow<S extends InputSchema>(definition: WorkflowDefinition<S>): WorkflowDefinition<S> {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(definition.name)) {
    throw new TypeError(`workflow name "${definition.name}" must be lower-case letters, digits and dashes`);
  }
  if (definition.motivationTypes.length === 0) {
    throw new TypeError(`workflow "${definition.name}" handles no motivation type`);
  }
  return Object.freeze(definition);
}
