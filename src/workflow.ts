/**
 * nyx-orchestrator, worker-safe entry: the package's `nyx-orchestrator/workflow` export.
 *
 * What a workflow module and a worker process import: defining workflows,
 * the payload contracts (zod schemas with their types), starting a worker
 * from your own code, and the errors a workflow throws or a worker reports.
 * It loads no MikroORM and no `pg` (a test imports the built file and checks
 * that), so it is safe in processes with no database connection. The
 * control plane (spawning, migrations, entities) is the main entry,
 * `nyx-orchestrator`, which re-exports all of this too.
 */

// Defining workflows.
export { defineWorkflow, type WorkflowContext, type WorkflowDefinition, type WorkflowSpec } from './workers/workflows/workflow.js';
export { builtInWorkflows, WorkflowRegistry, type RegisteredRoute } from './workers/workflows/registry.js';
export { WorkflowUnrecoverableError } from './workers/workflows/workflow-unrecoverable-error.js';
export { InvalidWorkflowError } from './workers/workflows/invalid-workflow-error.js';

// Running a worker from your own code.
export { startWorker, type RunningWorker, type StartWorkerOptions } from './workers/start-worker.js';
export { forbidOrmImports, ForbiddenImportError } from './workers/forbid-orm-imports.js';
export { loadWorkerConfig, WORKER_ENV_NAMES, type WorkerConfig } from './shared/config/config.js';
export { resolveWorkflowRegistry } from './workers/load-workflow-modules.js';
export { UnstorableResultError } from './workers/unstorable-result-error.js';
export { WorkflowTimeoutError } from './workers/workflow-timeout-error.js';
export { errorKind, isNyxError, NyxError, type ErrorKind, type NyxErrorInfo } from './shared/errors/nyx-error.js';
export { ConfigError } from './shared/config/config-error.js';
export { createLogger, type Logger } from './shared/logging/logger.js';
export { InvalidPayloadError } from './workers/invalid-payload-error.js';
export { StalledTooOftenError } from './workers/stalled-too-often-error.js';

// Contracts shared by both sides (zod schema and type under one name).
export {
  DEFAULT_INTENSITY_FOR_V1,
  PROMPT_MAX_LENGTH,
  TASK_SPAWN_CONTEXT_SCHEMA,
  TASK_SPAWN_CONTEXT_VERSION,
  TaskSpawnContext,
  TaskSpawnContextV1,
  type TaskSpawnContextWire,
} from './dto/task-spawn-context.js';
export {
  defineContract,
  InvalidContractError,
  openEnvelope,
  wrapEnvelope,
  type Contract,
  type ContractData,
  type ContractSchema,
  type ContractSpec,
  type ContractWire,
  type OpenedContractEnvelope,
} from './dto/contract.js';
export { taskSpawnContract } from './dto/task-spawn-context.js';
export { Envelope, openTaskSpawnEnvelope, wrapTaskSpawnContext, type OpenedEnvelope, type TaskSpawnEnvelope } from './dto/envelope.js';
export { DeadCause, describeDeadCause, WorkflowFailure, WorkflowOutcome, WorkflowResult, type WorkflowOutcomeWire } from './dto/workflow-outcome.js';
export { WorkflowPolicy } from './dto/workflow-policy.js';
export { DeadLetter, type DeadLetterWire } from './dto/dead-letter.js';
export { IsoDate, JsonValue } from './dto/json-value.js';
export type { IsJsonSafe, JsonSafe, JsonSafeObject, NotJsonSafe } from './dto/json-safe.js';
export { DEAD_LETTER_QUEUE, RESULTS_QUEUE, WORKFLOW_JOB_NAME, WORKFLOW_QUEUE } from './dto/queue-names.js';
