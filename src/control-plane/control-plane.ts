/**
 * The control plane: the only process with a database connection. It owns the
 * ORM, spawns (producer → outbox), relays the outbox to BullMQ, and records
 * results, and reconciles (runs whose job Redis lost are sent again).
 * Several control planes may run against the same PostgreSQL and
 * Redis: relays share the outbox through SKIP LOCKED, recorders share the
 * results queue, and recording is idempotent.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Config } from '../config/config.js';
import { openOrm, type Orm } from '../db/orm.js';
import type { WorkflowOutcome } from '../dto/index.js';
import type { Logger } from '../logging/logger.js';
import { OutboxListener } from '../outbox/outbox-listener.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { readOutboxLag, type OutboxLag } from '../outbox/outbox-sql.js';
import { RunReconciler, type ReconcilePass } from '../outbox/run-reconciler.js';
import { spawnTasks, type SpawnedRun, type SpawnRequestOptions } from '../producers/spawn-tasks.js';
import { ResultsRecorder, type ResultsRecorderOptions } from '../recorder/results-recorder.js';
import { deadLetterJobId } from '../dto/dead-letter.js';
import { RedisConnectionFactory } from '../redis/connection-factory.js';
import type { QueueNaming } from '../redis/queue-naming.js';
import { buildWorkerRegistry } from '../workers/load-workflow-modules.js';
import { builtInWorkflows, defaultRegistry, type WorkflowRegistry } from '../workflows/registry.js';
import { QueuePool } from './queue-pool.js';
import { RunControl, type StopOptions } from './run-control.js';
import { Scheduler } from './scheduler.js';
import { Schedules } from './schedules.js';
import { countStoppedRuns, type StopResult, type StopStatus } from './run-control-sql.js';

/** The queues a workflow's jobs go to: one per motivation type it handles (one in all with `single` routing). */
function workflowQueues(registry: WorkflowRegistry, naming: QueueNaming, workflow: string): string[] {
  const types = registry.motivationTypes.filter((type) => registry.forMotivation(type)?.name === workflow);
  return [...new Set((types.length > 0 ? types : ['']).map((type) => naming.workflowQueue(type)))];
}

export interface ControlPlaneOptions {
  config: Config;
  redisUrl: string;
  log: Logger;
  /** An ORM opened by the caller (kept open on close); otherwise one is opened from config. */
  orm?: Orm;
  registry?: WorkflowRegistry;
  /** Run the relay in this process. @defaultValue true */
  relay?: boolean;
  /** Run the recorder in this process. @defaultValue true */
  recorder?: boolean;
  /** Run the reconciler in this process (re-sends runs whose job Redis lost). @defaultValue true */
  reconciler?: boolean;
  /** Fire schedules from this process (any number of control planes may). @defaultValue true */
  scheduler?: boolean;
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
  /** Called after every reconciler pass (metrics). */
  onReconciled?: (pass: ReconcilePass) => void;
  /** Called after every recorded batch with the outcomes refused and ignored (metrics). */
  onChecked?: ResultsRecorderOptions['onChecked'];
}

export class ControlPlane {
  readonly queues: QueuePool;
  readonly redis: RedisConnectionFactory;
  readonly naming: QueueNaming;
  readonly relay: OutboxRelay;
  readonly recorder: ResultsRecorder;
  readonly reconciler: RunReconciler;
  readonly runControl: RunControl;
  readonly schedules: Schedules;
  readonly scheduler: Scheduler;
  #listener: OutboxListener | null = null;
  #started = false;

  private constructor(
    readonly orm: Orm,
    private readonly ownsOrm: boolean,
    private readonly options: ControlPlaneOptions,
  ) {
    const { config, log } = options;
    this.redis = new RedisConnectionFactory(options.redisUrl);
    this.naming = this.redis.naming(config.NYX_QUEUE_PREFIX, config.NYX_QUEUE_ROUTING);
    this.queues = new QueuePool(() => this.redis.connection('producer'), this.naming.prefix);
    this.relay = new OutboxRelay({
      em: () => orm.em.fork(),
      queue: (name) => this.queues.get(name),
      batchSize: config.NYX_RELAY_BATCH,
      pollMs: config.NYX_RELAY_POLL_MS,
      sendTimeoutMs: config.NYX_RELAY_SEND_TIMEOUT_MS,
      retentionMs: config.NYX_OUTBOX_RETENTION_MS,
      jobOptions: { attempts: config.NYX_JOB_ATTEMPTS, backoffMs: config.NYX_BACKOFF_MS },
      log: log.child({ component: 'relay' }),
    });
    this.runControl = new RunControl({
      prefix: this.naming.prefix,
      em: () => orm.em.fork(),
      queue: (name) => this.queues.get(name),
      queuesOf: (workflow) => workflowQueues(options.registry ?? defaultRegistry, this.naming, workflow),
      anyQueue: () => this.queues.get(this.naming.resultsQueue),
    });
    this.schedules = new Schedules(() => orm.em.fork());
    this.scheduler = new Scheduler({
      em: () => orm.em.fork(),
      spawn: async (em, taskIds) => (await this.spawn(taskIds, em)).map((run) => run.runId),
      wake: () => this.relay.wake(),
      tickMs: config.NYX_SCHEDULER_TICK_MS,
      misfireMs: config.NYX_SCHEDULE_MISFIRE_MS,
      log: log.child({ component: 'scheduler' }),
    });
    this.recorder = new ResultsRecorder({
      em: () => orm.em.fork(),
      connection: this.redis.connection('blocking'),
      prefix: this.naming.prefix,
      queue: this.naming.resultsQueue,
      batchSize: config.NYX_RECORDER_BATCH,
      lockDurationMs: config.NYX_LOCK_DURATION_MS,
      stalledIntervalMs: config.NYX_STALLED_INTERVAL_MS,
      log: log.child({ component: 'recorder' }),
      ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}),
      ...(options.onChecked ? { onChecked: options.onChecked } : {}),
      // A job starts at most attempts + stalls allowed + 1 times, but retries from the
      // dashboard keep counting: only an absurd attempt number is refused.
      maxAttempt: Math.max(1_000, 10 * (config.NYX_JOB_ATTEMPTS + config.NYX_MAX_STALLED_COUNT + 2)),
      maxOutcomeBytes: config.NYX_MAX_RESULT_BYTES,
      maxJobBytes: Math.max(config.NYX_MAX_RESULTS_JOB_BYTES, config.NYX_MAX_RESULT_BYTES),
      writeDeadLetters: async (letters) => {
        await this.queues
          .get(this.naming.deadLetterQueue)
          .addBulk(letters.map((letter) => ({ name: 'dead', data: letter, opts: { jobId: deadLetterJobId(letter.runId) } })));
      },
    });
    this.reconciler = new RunReconciler({
      em: () => orm.em.fork(),
      queue: (name) => this.queues.get(name),
      markerQueue: this.naming.resultsQueue,
      intervalMs: config.NYX_RECONCILE_INTERVAL_MS,
      graceMs: config.NYX_RECONCILE_GRACE_MS,
      batchSize: config.NYX_RECONCILE_BATCH,
      markerCheckMs: config.NYX_RECONCILE_MARKER_CHECK_MS,
      log: log.child({ component: 'reconciler' }),
      ...(options.onReconciled ? { onPass: options.onReconciled } : {}),
    });
  }

  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    // The producer refuses tasks no workflow handles, so it must know the
    // user workflows the workers load (NYX_WORKFLOW_MODULES) too.
    const registry = options.registry ?? (await buildWorkerRegistry(builtInWorkflows, options.config.NYX_WORKFLOW_MODULES));
    const orm =
      options.orm ??
      (await openOrm({ databaseUrl: options.config.DATABASE_URL, pgliteDataDir: options.config.NYX_DATA_DIR }));
    return new ControlPlane(orm, !options.orm, { ...options, registry });
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.options.relay !== false) {
      this.relay.start();
      if (this.options.config.DATABASE_URL) {
        this.#listener = new OutboxListener(this.options.config.DATABASE_URL, () => this.relay.wake(), this.options.log);
        await this.#listener.start();
      }
    }
    if (this.options.recorder !== false) this.recorder.start();
    if (this.options.reconciler !== false) await this.reconciler.start();
    if (this.options.scheduler !== false) this.scheduler.start();
  }

  /**
   * Spawns tasks (see spawnTasks). Pass `em` to spawn inside your own
   * transaction (`em.transactional(em => controlPlane.spawn(ids, em))`), and
   * `{ metadata }` to add plain JSON to every task's payload
   * (`controlPlane.spawn(ids, undefined, { metadata: { requestedBy: 'ops' } })`);
   * an entity, a Reference, a Date… there is a compile error naming its path.
   */
  async spawn<M extends object = never>(
    taskIds: readonly string[],
    em: EntityManager = this.orm.em,
    request: SpawnRequestOptions<M> = {},
  ): Promise<SpawnedRun[]> {
    const runs = await spawnTasks<M>(em, taskIds, {
      ...request,
      registry: this.options.registry ?? defaultRegistry,
      maxPayloadBytes: this.options.config.NYX_MAX_PAYLOAD_BYTES,
      queueFor: (motivationType) => this.naming.workflowQueue(motivationType),
    });
    // NOTIFY wakes relays in other processes; this one needs no round trip.
    if (!em.isInTransaction()) this.relay.wake();
    return runs;
  }

  /** Cancels runs in any state (see run-control.ts): final `cancelled`, never retried. */
  cancel(runIds: readonly string[], options?: StopOptions): Promise<StopResult> {
    return this.runControl.cancel(runIds, options);
  }

  /** Fails runs by hand: final `failed`, never retried. */
  fail(runIds: readonly string[], options?: StopOptions): Promise<StopResult> {
    return this.runControl.fail(runIds, options);
  }

  /** Runs stopped by an operator, by status. */
  stoppedRuns(): Promise<Record<StopStatus, number>> {
    return countStoppedRuns(this.em());
  }

  em(): SqlEntityManager {
    return this.orm.em.fork();
  }

  outboxLag(): Promise<OutboxLag> {
    return readOutboxLag(this.em());
  }

  /** Stops the relay after its batch, flushes the recorder, closes connections. */
  async close(): Promise<void> {
    await this.reconciler.stop();
    await this.scheduler.stop();
    await this.relay.stop();
    await this.#listener?.close();
    await this.recorder.close();
    await this.queues.close();
    await this.redis.close();
    if (this.ownsOrm) await this.orm.close();
  }
}
