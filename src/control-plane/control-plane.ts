/**
 * The control plane: the only process with a database connection. It owns the
 * ORM, spawns (producer → outbox), relays the outbox to BullMQ, and records
 * results. Several control planes may run against the same PostgreSQL and
 * Redis: relays share the outbox through SKIP LOCKED, recorders share the
 * results queue, and recording is idempotent.
 */
import type { Queue } from 'bullmq';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Config } from '../config/config.js';
import { openOrm, type Orm } from '../db/orm.js';
import type { WorkflowOutcome } from '../dto/index.js';
import type { Logger } from '../logging/logger.js';
import { OutboxListener } from '../outbox/outbox-listener.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { readOutboxLag, type OutboxLag } from '../outbox/outbox-sql.js';
import { WakeAfterCommit } from '../outbox/wake-after-commit.js';
import { spawnTasks, type SpawnedRun, type SpawnRequestOptions } from '../producers/spawn-tasks.js';
import { ResultsRecorder } from '../recorder/results-recorder.js';
import { RedisConnectionFactory } from '../redis/connection-factory.js';
import type { QueueNaming } from '../redis/queue-naming.js';
import { resolveWorkflowRegistry } from '../workers/load-workflow-modules.js';
import type { WorkflowRegistry } from '../workflows/registry.js';
import { QueuePool } from './queue-pool.js';

export interface ControlPlaneOptions {
  /** Settings resolved from the environment once (`loadConfig`). */
  config: Config;
  /** @defaultValue `config.redisUrl` */
  redisUrl?: string;
  log: Logger;
  /** An ORM opened by the caller (kept open on close); otherwise one is opened from config. */
  orm?: Orm;
  /** @defaultValue the built-in workflows plus `config.workflowModules` (`resolveWorkflowRegistry`) */
  registry?: WorkflowRegistry;
  /** Run the relay in this process. @defaultValue true */
  relay?: boolean;
  /** Run the recorder in this process. @defaultValue true */
  recorder?: boolean;
  /** Called with every batch of outcomes the recorder wrote. @defaultValue none */
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
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
}

/** Which parts `start()` starts. */
export interface StartParts {
  /** @defaultValue the `relay` option of `open` */
  relay?: boolean;
  /** @defaultValue the `recorder` option of `open` */
  recorder?: boolean;
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
  #listener: OutboxListener | null = null;
  #relayStarted = false;
  #recorderStarted = false;

  private constructor(orm: Orm, ownsOrm: boolean, options: ControlPlaneOptions & { registry: WorkflowRegistry }) {
    this.#orm = orm;
    this.#ownsOrm = ownsOrm;
    this.#options = options;
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
    });
  }

  /** Opens the ORM (unless given one) and resolves the workflow registry; starts nothing (see `start`). */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    // The producer refuses tasks no workflow handles, so it must know the
    // user workflows the workers load (NYX_WORKFLOW_MODULES) too.
    const registry = options.registry ?? (await resolveWorkflowRegistry(options.config.workflowModules));
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
      queueFor: this.#naming.workflowQueue,
    });
    if (runs.length > 0) this.afterOutboxWrite(em);
    return runs;
  }

  /**
   * Tells this process's relay that `em` wrote to the outbox: it looks now
   * if the write is committed, else when its transaction commits. Spawns do
   * this themselves; call it after another outbox write (a redrive).
   */
  afterOutboxWrite(em: EntityManager): void {
    this.#wake.afterOutboxWrite(em);
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

  /** What this control plane's relay and recorder did so far. */
  stats(): ControlPlaneStats {
    return { dispatched: this.#relay.dispatched, relayFailuresInARow: this.#relay.consecutiveFailures, recorded: this.#recorder.recorded };
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
    await this.#relay.stop();
    await this.#listener?.close();
    await this.#recorder.close();
    await this.#queues.close();
    await this.#redis.close();
    if (this.#ownsOrm) await this.#orm.close();
  }
}
