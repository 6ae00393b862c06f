/**
 * nyx-orchestrator, control-plane entry: the package's main export, `nyx-orchestrator`.
 *
 * For the process that owns the database: open a `ControlPlane` on your
 * MikroORM, spawn tasks inside your own transaction
 * (`em.transactional((em) => cp.spawn(ids, { em }))`), apply nyx's migrations,
 * read runs. It loads MikroORM (a peer dependency, the copy your application
 * already has). Worker processes import `nyx-orchestrator/workflow` instead;
 * everything exported there is re-exported here.
 */

export * from './workflow.js';

// The control plane and spawning.
export {
  ControlPlane,
  type ControlPlaneOptions,
  type ControlPlaneSpawnOptions,
  type ControlPlaneStats,
  type StartParts,
} from './control-plane/control-plane.js';
export type { SpawnedRun } from './producers/spawn-tasks.js';
export { DEFAULT_SPAWN_BATCH, type SpawnedSubjectRun, type SpawnRequestOptions } from './producers/spawn.js';
export { defineSpawnable, InvalidSpawnableError, type Spawnable, type SpawnableSpec } from './producers/spawnable.js';
export { MOTIVATIONAL_TASK_SPAWNABLE, motivationalTaskSpawnable } from './producers/built-in-spawnables.js';
export { CONFIG_DEFAULTS, CONTROL_PLANE_ENV_NAMES, loadConfig, type Config } from './shared/config/config.js';
export type { ReconcilePass } from './control-plane/outbox/run-reconciler.js';
export type { StopOptions } from './control-plane/run-control.js';
export type { StopResult, StopStatus } from './control-plane/run-control-sql.js';
export { InvalidRunIdError } from './control-plane/errors/invalid-run-id-error.js';
export { InvalidScheduleError } from './control-plane/errors/invalid-schedule-error.js';
export { UnknownScheduleError } from './control-plane/errors/unknown-schedule-error.js';

// Database: nyx's entities (add them to your ORM config), its migrations, its own ORM.
export { entities as nyxEntities, MotivationalState, MotivationalTask, WorkflowRun } from './control-plane/entities/index.js';
export { FINAL_RUN_STATUSES, RUN_STATUSES, type RunStatus } from './control-plane/entities/workflow-run.entity.js';
export { migrate, type MigrateOptions } from './control-plane/db/migrate.js';
export { migrationsList as nyxMigrations } from './control-plane/db/migrations/index.js';
export { migrateUp, openOrm, type Orm, type OrmOptions } from './control-plane/db/orm.js';

// Errors a caller of spawn or of the dead-letter tools may handle.
export {
  InvalidSpawnMetadataError,
  InvalidSpawnTimeError,
  InvalidTaskContextError,
  NotPlainJsonError,
  PayloadTooLargeError,
  RelationNotLoadedError,
  UnknownSpawnableError,
  UnknownTaskError,
  UnknownWorkflowError,
} from './producers/errors/index.js';
export { DeadLetterNotFoundError, RedriveRefusedError } from './control-plane/dead-letters/errors/index.js';
