/**
 * The control plane: the only process with a database connection. It owns the
 * ORM, spawns (producer → outbox), relays the outbox to BullMQ, and records
 * results, reconciles (runs whose job Redis lost are sent again), stops
 * runs on request and fires schedules. Several control planes may run against the same PostgreSQL and
 * Redis: relays share the outbox through SKIP LOCKED, recorders share the
 * results queue, and recording is idempotent.
 */
import type { Queue } from 'bullmq';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Config } from '../shared/config/config.js';
import { assertMigrated, openOrm, type Orm } from './db/orm.js';
import type { WorkflowOutcome } from '../dto/index.js';
import type { Logger } from '../shared/logging/logger.js';
import { OutboxListener } from './outbox/outbox-listener.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { readOutboxLag, type OutboxLag } from './outbox/outbox-sql.js';
import { RunReconciler, type ReconcilePass } from './outbox/run-reconciler.js';
import { WakeAfterCommit } from './outbox/wake-after-commit.js';
import { spawnTasks, type SpawnedRun } from '../producers/spawn-tasks.js';
import { spawn, type SpawnedSubjectRun, type SpawnRequestOptions } from '../producers/spawn.js';
import type { Spawnable } from '../producers/spawnable.js';
import { motivationalTaskSpawnable } from '../producers/built-in-spawnables.js';
import type { WorkflowDefinition } from '../workers/workflows/workflow.js';
import { UnknownSpawnableError } from '../producers/errors/unknown-spawnable-error.js';
import { ResultsRecorder, type ResultsRecorderOptions } from './recorder/results-recorder.js';
import { deadLetterJobId } from '../dto/dead-letter.js';
import { RedisConnectionFactory } from '../shared/redis/connection-factory.js';
import type { QueueNaming } from '../shared/redis/queue-naming.js';
import { resolveWorkflowRegistry } from '../workers/load-workflow-modules.js';
import type { WorkflowRegistry } from '../workers/workflows/registry.js';
import { QueuePool } from './queue-pool.js';
import { RunControl, type StopOptions } from './run-control.js';
import { countStoppedRuns, type StopResult, type StopStatus } from './run-control-sql.js';
import { Scheduler } from './scheduler.js';
import { Schedules } from './schedules.js';

/** The queues a workflow's jobs go to: one per route key it handles (one in all with `single` routing). */
function workflowQueues(registry: WorkflowRegistry, naming: QueueNaming, workflow: string): string[] {
  const keys = registry.routes.filter((route) => route.workflow.name === workflow).map((route) => route.queueKey);
  return [...new Set((keys.length > 0 ? keys : ['']).map((key) => naming.workflowQueue(key)))];
}

export interface ControlPlaneOptions {
  /** Settings resolved from the environment once (`loadConfig`). */
  config: Config;
  /** @defaultValue `config.redisUrl` */
  redisUrl?: string;
  log: Logger;
  /** An ORM opened by the caller (kept open on close); otherwise one is opened from config. */
  orm?: Orm;
  /** @defaultValue the built-in workflows plus `config.workflowModules` and `workflows` (`resolveWorkflowRegistry`) */
  registry?: WorkflowRegistry;
  /**
   * Workflows to route to beside the built-in ones and `config.workflowModules`'
   * (ignored with `registry`): the control plane reads their contracts, route
   * keys and policies; the workers run them.
   * @defaultValue none
   */
  workflows?: readonly WorkflowDefinition[];
  /**
   * Your spawnables (what `defineSpawnable` returns), beside the built-in
   * `motivational-task`: `spawnSubjects` and `POST /runs/spawn` take them by name.
   * @defaultValue none
   */
  spawnables?: readonly Spawnable[];
  /** Run the relay in this process. @defaultValue true */
  relay?: boolean;
  /** Run the recorder in this process. @defaultValue true */
  recorder?: boolean;
  /** Run the reconciler in this process (re-sends runs whose job Redis lost). @defaultValue true */
  reconciler?: boolean;
  /** Fire schedules from this process (any number of control planes may). @defaultValue true */
  scheduler?: boolean;
  /** Called with every batch of outcomes the recorder wrote. @defaultValue none */
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
  /** Called after every reconciler pass (metrics). @defaultValue none */
  onReconciled?: (pass: ReconcilePass) => void;
  /** Called after every recorded batch with the outcomes refused and ignored (metrics). @defaultValue none */
  onChecked?: ResultsRecorderOptions['onChecked'];
}

/** Options of one `ControlPlane.spawn` call. */
export interface ControlPlaneSpawnOptions<M extends object = never> extends SpawnRequestOptions<M> {
  /**
   * Spawn inside this EntityManager's transaction (`em.transactional(em =>
   * cp.spawn(ids, { em }))`): the runs and their outbox rows commit or roll
   * back with the caller's own writes, and the relay is woken after commit.
   * @defaultValue a fork of the control plane's ORM (the spawn commits on its own)
   */
  em?: EntityManager;
}

/** What this control plane's relay and recorder did so far (counters since `open`). */
export interface ControlPlaneStats {
  /** Outbox rows this relay sent to Redis. */
  dispatched: number;
  /** Relay batches in a row that failed (Redis unreachable…); 0 after a success. */
  relayFailuresInARow: number;
  /** Outcomes this recorder wrote to PostgreSQL. */
  recorded: number;
  /** Runs this reconciler sent again because Redis had lost their job. */
  reconciled: number;
  /** Times this reconciler noticed that Redis lost its data (its marker key gone). */
  dataLossDetected: number;
}

/** Which parts `start()` starts. */
export interface StartParts {
  /** @defaultValue the `relay` option of `open` */
  relay?: boolean;
  /** @defaultValue the `recorder` option of `open` */
  recorder?: boolean;
  /** @defaultValue the `reconciler` option of `open` */
  reconciler?: boolean;
  /** @defaultValue the `scheduler` option of `open` */
  scheduler?: boolean;
}

export class ControlPlane {
  readonly #orm: Orm;
  readonly #ownsOrm: boolean;
  readonly #options: ControlPlaneOptions & { registry: WorkflowRegistry };
  readonly #queues: QueuePool;
  readonly #redis: RedisConnectionFactory;
  readonly #naming: QueueNaming;
  readonly #relay: OutboxRelay;
  readonly #recorder: ResultsRecorder;
  readonly #wake: WakeAfterCommit;
  readonly #reconciler: RunReconciler;
  readonly #runControl: RunControl;
  readonly #schedules: Schedules;
  readonly #scheduler: Scheduler;
  readonly #spawnables: ReadonlyMap<string, Spawnable>;
  #listener: OutboxListener | null = null;
  #relayStarted = false;
  #recorderStarted = false;
  #reconcilerStarted = false;
  #schedulerStarted = false;

  private constructor(orm: Orm, ownsOrm: boolean, options: ControlPlaneOptions & { registry: WorkflowRegistry }) {
    this.#orm = orm;
    this.#ownsOrm = ownsOrm;
    this.#options = options;
    const spawnables = new Map<string, Spawnable>([[motivationalTaskSpawnable.name, motivationalTaskSpawnable]]);
    for (const spawnable of options.spawnables ?? []) {
      if (spawnables.has(spawnable.name)) throw new TypeError(`spawnable "${spawnable.name}" is registered twice`);
      spawnables.set(spawnable.name, spawnable);
    }
    this.#spawnables = spawnables;
    const { config, log } = options;
    this.#redis = new RedisConnectionFactory(options.redisUrl ?? config.redisUrl);
    this.#naming = this.#redis.naming(config.queuePrefix, config.queueRouting);
    this.#queues = new QueuePool(() => this.#redis.connection('producer'), this.#naming.prefix);
    this.#relay = new OutboxRelay({
      em: () => orm.em.fork(),
      queue: (name) => this.#queues.get(name),
      batchSize: config.relayBatch,
      pollMs: config.relayPollMs,
      sendTimeoutMs: config.relaySendTimeoutMs,
      retentionMs: config.outboxRetentionMs,
      jobOptions: { attempts: config.jobAttempts, backoffMs: config.backoffMs },
      log: log.child({ component: 'relay' }),
    });
    this.#wake = new WakeAfterCommit(() => this.#relay.wake());
    this.#recorder = new ResultsRecorder({
      em: () => orm.em.fork(),
      connection: this.#redis.connection('blocking'),
      prefix: this.#naming.prefix,
      queue: this.#naming.resultsQueue,
      batchSize: config.recorderBatch,
      lockDurationMs: config.lockDurationMs,
      stalledIntervalMs: config.stalledIntervalMs,
      log: log.child({ component: 'recorder' }),
      ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}),
      ...(options.onChecked ? { onChecked: options.onChecked } : {}),
      // A job starts at most attempts + stalls allowed + 1 times, but retries from the
      // dashboard keep counting: only an absurd attempt number is refused.
      maxAttempt: Math.max(1_000, 10 * (config.jobAttempts + config.maxStalledCount + 2)),
      maxOutcomeBytes: config.maxResultBytes,
      maxJobBytes: Math.max(config.maxResultsJobBytes, config.maxResultBytes),
      writeDeadLetters: async (letters) => {
        await this.#queues
          .get(this.#naming.deadLetterQueue)
          .addBulk(letters.map((letter) => ({ name: 'dead', data: letter, opts: { jobId: deadLetterJobId(letter.runId) } })));
      },
    });
    this.#reconciler = new RunReconciler({
      em: () => orm.em.fork(),
      queue: (name) => this.#queues.get(name),
      markerQueue: this.#naming.resultsQueue,
      intervalMs: config.reconcileIntervalMs,
      graceMs: config.reconcileGraceMs,
      batchSize: config.reconcileBatch,
      markerCheckMs: config.reconcileMarkerCheckMs,
      log: log.child({ component: 'reconciler' }),
      ...(options.onReconciled ? { onPass: options.onReconciled } : {}),
    });
    this.#runControl = new RunControl({
      prefix: this.#naming.prefix,
      em: () => orm.em.fork(),
      queue: (name) => this.#queues.get(name),
      queuesOf: (workflow) => workflowQueues(options.registry, this.#naming, workflow),
      anyQueue: () => this.#queues.get(this.#naming.resultsQueue),
    });
    this.#schedules = new Schedules(() => orm.em.fork());
    this.#scheduler = new Scheduler({
      em: () => orm.em.fork(),
      spawn: async (em, taskIds) => (await this.spawn(taskIds, { em })).map((run) => run.runId),
      wake: () => this.#relay.wake(),
      tickMs: config.schedulerTickMs,
      misfireMs: config.scheduleMisfireMs,
      log: log.child({ component: 'scheduler' }),
    });
  }

  /** Opens the ORM (unless given one) and resolves the workflow registry; starts nothing (see `start`). */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    // The producer refuses tasks no workflow handles, so it must know the
    // user workflows the workers load (NYX_WORKFLOW_MODULES) too.
    const registry = options.registry ?? (await resolveWorkflowRegistry(options.config.workflowModules, options.workflows));
    const orm = options.orm ?? (await openOrm({ databaseUrl: options.config.databaseUrl, pgliteDataDir: options.config.dataDir }));
    return new ControlPlane(orm, !options.orm, { ...options, registry });
  }

  /**
   * Starts the relay (and, on PostgreSQL, its NOTIFY listener) and the
   * recorder — each only if enabled (`open`'s `relay`/`recorder` options, or
   * `parts`). Starting a part twice does nothing.
   */
  async start(parts: StartParts = {}): Promise<void> {
    const { config, log } = this.#options;
    if ((parts.relay ?? this.#options.relay !== false) && !this.#relayStarted) {
      this.#relayStarted = true;
      this.#relay.start();
      if (config.databaseUrl) {
        this.#listener = new OutboxListener(config.databaseUrl, () => this.#relay.wake(), log);
        await this.#listener.start();
      }
    }
    if ((parts.recorder ?? this.#options.recorder !== false) && !this.#recorderStarted) {
      this.#recorderStarted = true;
      this.#recorder.start();
    }
    if ((parts.reconciler ?? this.#options.reconciler !== false) && !this.#reconcilerStarted) {
      this.#reconcilerStarted = true;
      await this.#reconciler.start();
    }
    if ((parts.scheduler ?? this.#options.scheduler !== false) && !this.#schedulerStarted) {
      this.#schedulerStarted = true;
      this.#scheduler.start();
    }
  }

  /**
   * Spawns tasks (see `spawnTasks`): one run and one outbox row per task.
   * `{ em }` spawns inside your own transaction
   * (`em.transactional(em => controlPlane.spawn(ids, { em }))`);
   * `{ metadata }` adds plain JSON to every task's payload
   * (`controlPlane.spawn(ids, { metadata: { requestedBy: 'ops' } })`) — an
   * entity, a Reference, a Date… is a compile error naming its path.
   * This process's relay is woken once the runs are committed.
   * @throws UnknownTaskError, UnknownWorkflowError, PayloadTooLargeError, InvalidSpawnMetadataError… (all `NyxError`s, kind `input` or `not_found`)
   */
  async spawn<M extends object = never>(taskIds: readonly string[], options: ControlPlaneSpawnOptions<M> = {}): Promise<SpawnedRun[]> {
    const { em = this.#orm.em, ...request } = options;
    const runs = await spawnTasks<M>(em, taskIds, {
      ...(request as SpawnRequestOptions<M>),
      registry: this.#options.registry,
      maxPayloadBytes: this.#options.config.maxPayloadBytes,
      queueFor: (queueKey) => this.#naming.workflowQueue(queueKey),
    });
    if (runs.length > 0) this.afterOutboxWrite(em);
    return runs;
  }

  /**
   * Spawns a spawnable's subjects by id (see `spawn` in producers/spawn.ts):
   * one run and one outbox row per subject, in batches of `batchSize`, in
   * one transaction — yours with `{ em }`. `spawnable` is one registered
   * with `open`'s `spawnables` (or the built-in `motivational-task`), by
   * value or by name.
   * @throws UnknownSpawnableError, UnknownTaskError, UnknownWorkflowError, RelationNotLoadedError, InvalidTaskContextError…
   */
  async spawnSubjects<M extends object = never>(
    spawnable: Spawnable | string,
    ids: readonly string[],
    options: ControlPlaneSpawnOptions<M> = {},
  ): Promise<SpawnedSubjectRun[]> {
    const resolved = this.spawnable(typeof spawnable === 'string' ? spawnable : spawnable.name);
    const { em = this.#orm.em, ...request } = options;
    const runs = await spawn<M>(em, resolved, ids, {
      ...(request as SpawnRequestOptions<M>),
      registry: this.#options.registry,
      maxPayloadBytes: this.#options.config.maxPayloadBytes,
      queueFor: (queueKey) => this.#naming.workflowQueue(queueKey),
    });
    if (runs.length > 0) this.afterOutboxWrite(em);
    return runs;
  }

  /** A registered spawnable by name. @throws UnknownSpawnableError */
  spawnable(name: string): Spawnable {
    const found = this.#spawnables.get(name);
    if (!found) throw new UnknownSpawnableError(name, [...this.#spawnables.keys()]);
    return found;
  }

  /** Names of the registered spawnables (the built-in one first). */
  spawnableNames(): string[] {
    return [...this.#spawnables.keys()];
  }

  /**
   * Tells this process's relay that `em` wrote to the outbox: it looks now
   * if the write is committed, else when its transaction commits. Spawns do
   * this themselves; call it after another outbox write (a redrive).
   */
  afterOutboxWrite(em: EntityManager): void {
    this.#wake.afterOutboxWrite(em);
  }

  /** Motivation types some registered workflow handles (what spawn accepts), sorted. */
  motivationTypes(): string[] {
    return [...this.#options.registry.motivationTypes].sort();
  }

  /**
   * Throws PendingMigrationsError (kind `input`) when the database lacks some
   * of nyx's migrations: commands refuse to run then, rather than fail on a
   * missing table or column.
   */
  assertMigrated(): Promise<void> {
    return assertMigrated(this.#orm);
  }

  /**
   * Relays the outbox to Redis now, batch after batch until it is empty,
   * without a running relay loop (`nyx spawn --relay`, tests).
   * @returns the number of rows sent
   */
  async relayNow(): Promise<number> {
    let total = 0;
    for (let sent = await this.#relay.relayOnce(); sent > 0; sent = await this.#relay.relayOnce()) total += sent;
    return total;
  }

  /** Stops the relay loop after its current batch (the recorder keeps running). */
  async stopRelay(): Promise<void> {
    await this.#relay.stop();
  }

  /** What this control plane's relay, recorder and reconciler did so far. */
  stats(): ControlPlaneStats {
    return {
      dispatched: this.#relay.dispatched,
      relayFailuresInARow: this.#relay.consecutiveFailures,
      recorded: this.#recorder.recorded,
      reconciled: this.#reconciler.reconciled,
      dataLossDetected: this.#reconciler.dataLossDetected,
    };
  }

  /**
   * One reconciler pass now, whether or not the reconciler runs in this
   * process: runs sent before `sentBefore` whose job Redis no longer has are
   * sent again (docs/recovery.md).
   * @param options.sentBefore @defaultValue now minus `config.reconcileGraceMs`
   */
  reconcileNow(options: { sentBefore?: Date } = {}): Promise<ReconcilePass> {
    return this.#reconciler.reconcileOnce(options);
  }

  /** Cancels runs in any state (docs/run-control.md): final `cancelled`, never retried. */
  cancel(runIds: readonly string[], options?: StopOptions): Promise<StopResult> {
    return this.#runControl.cancel(runIds, options);
  }

  /** Fails runs by hand: final `failed`, never retried. */
  fail(runIds: readonly string[], options?: StopOptions): Promise<StopResult> {
    return this.#runControl.fail(runIds, options);
  }

  /** Runs stopped by an operator, by status. */
  stoppedRuns(): Promise<Record<StopStatus, number>> {
    return countStoppedRuns(this.em());
  }

  /** Attempts workers abandoned after they ignored `ctx.signal`, by workflow (counted in Redis). */
  zombies(): Promise<Record<string, number>> {
    return this.#runControl.zombies();
  }

  /** Recurring spawns stored in PostgreSQL: create, list, pause, resume, delete (docs/run-control.md). */
  get schedules(): Schedules {
    return this.#schedules;
  }

  /** Schedule slots this control plane skipped under the missed-slot policy, by schedule name. */
  skippedScheduleSlots(): ReadonlyMap<string, number> {
    return this.#scheduler.skippedSlots;
  }

  /** A fresh EntityManager fork of the control plane's ORM, for your own reads and writes. */
  em(): SqlEntityManager {
    return this.#orm.em.fork();
  }

  /** Rows waiting in the outbox and the age of the oldest. */
  outboxLag(): Promise<OutboxLag> {
    return readOutboxLag(this.em());
  }

  /** How queues are named under this deployment's prefix and routing. */
  get naming(): QueueNaming {
    return this.#naming;
  }

  /** The workflow registry this control plane spawns against. */
  get registry(): WorkflowRegistry {
    return this.#options.registry;
  }

  /** A BullMQ Queue by name, shared and closed by the control plane (do not close it). */
  queue(name: string): Queue {
    return this.#queues.get(name);
  }

  /** Stops the relay after its batch, flushes the recorder, closes connections. */
  async close(): Promise<void> {
    this.#wake.close();
    await this.#reconciler.stop();
    await this.#scheduler.stop();
    await this.#relay.stop();
    await this.#listener?.close();
    await this.#recorder.close();
    await this.#queues.close();
    await this.#redis.close();
    if (this.#ownsOrm) await this.#orm.close();
  }
}
