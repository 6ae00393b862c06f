/**
 * The control plane: the only process with a database connection. It owns the
 * ORM, spawns (producer → outbox), relays the outbox to BullMQ, and records
 * results. Several control planes may run against the same PostgreSQL and
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
import { spawnTasks, type SpawnedRun, type SpawnRequestOptions } from '../producers/spawn-tasks.js';
import { ResultsRecorder } from '../recorder/results-recorder.js';
import { RedisConnectionFactory } from '../redis/connection-factory.js';
import type { QueueNaming } from '../redis/queue-naming.js';
import { buildWorkerRegistry } from '../workers/load-workflow-modules.js';
import { builtInWorkflows, defaultRegistry, type WorkflowRegistry } from '../workflows/registry.js';
import { QueuePool } from './queue-pool.js';

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
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
}

export class ControlPlane {
  readonly queues: QueuePool;
  readonly redis: RedisConnectionFactory;
  readonly naming: QueueNaming;
  readonly relay: OutboxRelay;
  readonly recorder: ResultsRecorder;
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
      queueFor: this.naming.workflowQueue,
    });
    // NOTIFY wakes relays in other processes; this one needs no round trip.
    if (!em.isInTransaction()) this.relay.wake();
    return runs;
  }

  /** Motivation types some registered workflow handles (what spawn accepts), sorted. */
  motivationTypes(): string[] {
    return [...(this.options.registry ?? defaultRegistry).motivationTypes].sort();
  }

  em(): SqlEntityManager {
    return this.orm.em.fork();
  }

  outboxLag(): Promise<OutboxLag> {
    return readOutboxLag(this.em());
  }

  /** Stops the relay after its batch, flushes the recorder, closes connections. */
  async close(): Promise<void> {
    await this.relay.stop();
    await this.#listener?.close();
    await this.recorder.close();
    await this.queues.close();
    await this.redis.close();
    if (this.ownsOrm) await this.orm.close();
  }
}
