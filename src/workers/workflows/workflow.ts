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
import { z } from 'zod';
import { TaskSpawnContext, WorkflowPolicy, type JsonSafe, type TaskSpawnContextWire } from '../../dto/index.js';
import { InvalidWorkflowError } from './invalid-workflow-error.js';

export interface WorkflowContext {
  /** The run's id (also the BullMQ job id): stable across attempts. */
  readonly runId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Reports progress (0..100) to BullMQ; visible in the dashboard. */
  reportProgress(percent: number): Promise<void>;
  /**
   * Aborted when the attempt must stop: its `timeoutMs` passed, the run was
   * cancelled or failed by an operator, or the worker is shutting down and
   * its grace period ran out. `signal.reason` says which. A workflow that
   * ignores it is abandoned after NYX_ABORT_GRACE_MS (see docs/run-control.md).
   */
  readonly signal: AbortSignal;
  /** Structured log lines carrying the run id. */
  log(message: string, fields?: Record<string, unknown>): void;
}

/** Input schemas read the wire form of the payload (dates as ISO strings). */
type InputSchema = z.ZodType<unknown, Partial<TaskSpawnContextWire>>;

export interface WorkflowDefinition<S extends InputSchema = InputSchema, O = unknown> extends WorkflowPolicy {
  /** Unique name, recorded on each run. */
  readonly name: string;
  /** Motivation types this workflow handles. */
  readonly motivationTypes: readonly string[];
  /** A projection of `TaskSpawnContext` (e.g. `TaskSpawnContext.pick({...})` on the wire schema). */
  readonly input: S;
  /** Returns plain JSON: checked at compile time by `defineWorkflow`, and again by the worker at run time. */
  run(input: z.output<S>, ctx: WorkflowContext): Promise<O> | O;
}

/**
 * What `defineWorkflow` takes. `run`'s result must be JSON-safe: returning a
 * `Date`, a `Map`, a class instance… is a compile error that names the path
 * (`output.at: a Date is not plain JSON (…)`), since the result travels
 * through Redis to the recorder as JSON.
 */
export interface WorkflowSpec<S extends InputSchema, O> extends Omit<WorkflowDefinition<S, O>, 'run'> {
  run(input: z.output<S>, ctx: WorkflowContext): Promise<JsonSafe<O, 'output'>> | JsonSafe<O, 'output'>;
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;
const PAYLOAD_FIELDS = Object.keys(TaskSpawnContext.shape);

export function defineWorkflow<S extends InputSchema, O>(definition: WorkflowSpec<S, O>): WorkflowDefinition<S, O> {
  const { name, motivationTypes, input, timeoutMs, attempts, backoff } = definition;
  if (!NAME.test(name)) throw new InvalidWorkflowError(name, 'the name must be lower-case letters, digits and dashes');
  if (motivationTypes.length === 0) throw new InvalidWorkflowError(name, 'it handles no motivation type');
  const badType = motivationTypes.find((type) => !TaskSpawnContext.shape.motivationType.safeParse(type).success);
  if (badType !== undefined) throw new InvalidWorkflowError(name, `"${badType}" is not a motivation type (lower-case, like "curiosity")`);
  if (typeof definition.run !== 'function') throw new InvalidWorkflowError(name, 'run is not a function');
  const policy = WorkflowPolicy.safeParse({ timeoutMs, attempts, backoff });
  if (!policy.success) throw new InvalidWorkflowError(name, `bad policy: ${z.prettifyError(policy.error).replace(/\n/g, '; ')}`);
  // The worker hands the input schema only the payload fields it names; one the
  // payload never has would fail every job, so it fails here, once.
  const shape = (input as { shape?: Record<string, unknown> }).shape;
  const unknownFields = shape ? Object.keys(shape).filter((key) => !PAYLOAD_FIELDS.includes(key)) : [];
  if (unknownFields.length > 0) {
    throw new InvalidWorkflowError(
      name,
      `its input reads ${unknownFields.map((f) => `"${f}"`).join(', ')}, not in TaskSpawnContext (fields: ${PAYLOAD_FIELDS.join(', ')})`,
    );
  }
  return Object.freeze({ ...definition }) as WorkflowDefinition<S, O>;
}
