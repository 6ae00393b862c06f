/**
 * The workflow definition API. A workflow is plain code that runs in a worker
 * process: it is bound to a contract and the route keys it handles, gets a
 * projection of the contract's data (validated by its own input schema) and
 * a context, and returns plain JSON. Without a contract it reads the built-in
 * `TaskSpawnContext`, its route keys given as `motivationTypes`. It can reach nothing
 * of the database side — by construction, since this folder may import only
 * `src/dto` (checked by dependency-cruiser).
 *
 * Contract for authors: delivery is at least once. A worker that dies mid-run
 * leaves the job to be run again, so `run` must be idempotent or use
 * `ctx.runId` as an idempotency key for its side effects.
 */
import { z } from 'zod';
import { ROUTE_KEY, taskSpawnContract, WorkflowPolicy, type Contract, type ContractWire, type JsonSafe } from '../../dto/index.js';
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
type InputSchema<C extends Contract = Contract> = z.ZodType<unknown, Partial<ContractWire<C>>>;

/** The built-in contract (`TaskSpawnContext`), what a workflow reads when it names no contract. */
type BuiltInContract = typeof taskSpawnContract;

export interface WorkflowDefinition<S extends InputSchema = InputSchema, O = unknown> extends WorkflowPolicy {
  /** Unique name, recorded on each run. */
  readonly name: string;
  /** The contract of the payloads it reads. */
  readonly contract: Contract;
  /** Route keys of `contract` this workflow handles. */
  readonly routes: readonly string[];
  /** The built-in contract's name for `routes` (motivation types); [] for another contract. */
  readonly motivationTypes: readonly string[];
  /** A projection of the contract's schema (e.g. `TaskSpawnContext.pick({...})` on the wire schema). */
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
export type WorkflowSpec<S extends InputSchema<C>, O, C extends Contract = BuiltInContract> = Omit<
  WorkflowDefinition<S, O>,
  'run' | 'contract' | 'routes' | 'motivationTypes'
> & {
  run(input: z.output<S>, ctx: WorkflowContext): Promise<JsonSafe<O, 'output'>> | JsonSafe<O, 'output'>;
} & (
    | {
        /** The contract of the payloads it reads. @defaultValue the built-in `taskSpawnContract` */
        readonly contract: C;
        /** Route keys of `contract` it handles (what `contract.route(data)` returns). */
        readonly routes: readonly string[];
        readonly motivationTypes?: never;
      }
    | {
        readonly contract?: BuiltInContract;
        /** Motivation types this workflow handles: the built-in contract's route keys. */
        readonly motivationTypes: readonly string[];
        readonly routes?: never;
      }
  );

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

export function defineWorkflow<S extends InputSchema<C>, O, C extends Contract = BuiltInContract>(definition: WorkflowSpec<S, O, C>): WorkflowDefinition<S, O> {
  const { name, input, timeoutMs, attempts, backoff } = definition;
  const contract: Contract = definition.contract ?? taskSpawnContract;
  const routes = definition.routes ?? definition.motivationTypes ?? [];
  const builtIn = contract === (taskSpawnContract as Contract);
  const routeWord = builtIn ? 'motivation type' : 'route key';
  if (!NAME.test(name)) throw new InvalidWorkflowError(name, 'the name must be lower-case letters, digits and dashes');
  if (routes.length === 0) throw new InvalidWorkflowError(name, `it handles no ${routeWord}`);
  const badType = routes.find((type) => typeof type !== 'string' || !ROUTE_KEY.test(type));
  if (badType !== undefined) throw new InvalidWorkflowError(name, `"${badType}" is not a ${routeWord} (lower-case, like "curiosity")`);
  if (typeof definition.run !== 'function') throw new InvalidWorkflowError(name, 'run is not a function');
  const policy = WorkflowPolicy.safeParse({ timeoutMs, attempts, backoff });
  if (!policy.success) throw new InvalidWorkflowError(name, `bad policy: ${z.prettifyError(policy.error).replace(/\n/g, '; ')}`);
  // The worker hands the input schema only the payload fields it names; one the
  // payload never has would fail every job, so it fails here, once.
  const shape = (input as { shape?: Record<string, unknown> }).shape;
  const payloadShape = (contract.schema as { shape?: Record<string, unknown> }).shape;
  const payloadFields = payloadShape ? Object.keys(payloadShape) : null;
  const unknownFields = shape && payloadFields ? Object.keys(shape).filter((key) => !payloadFields.includes(key)) : [];
  if (unknownFields.length > 0) {
    throw new InvalidWorkflowError(
      name,
      `its input reads ${unknownFields.map((f) => `"${f}"`).join(', ')}, not in ${contract.name} (fields: ${payloadFields!.join(', ')})`,
    );
  }
  return Object.freeze({ ...definition, contract, routes: [...routes], motivationTypes: builtIn ? [...routes] : [] }) as WorkflowDefinition<S, O>;
}
