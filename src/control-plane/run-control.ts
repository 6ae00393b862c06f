/**
 * Run control on the control plane's side: cancel and operator fail, and the
 * workers' zombie counts.
 *
 * A stop is decided in PostgreSQL (run-control-sql.ts: the run is final from
 * that commit on) and then carried to Redis: the run's job is removed if it
 * is waiting or delayed, and a stop entry is written that the workers poll
 * for their active runs (src/workers/stop-watcher.ts), so an attempt running
 * on any host hears it within NYX_STOP_POLL_MS. The Redis half is idempotent:
 * stopping a run that is already stopped the same way writes it again, so a
 * caller whose call failed after the commit (Redis away) can simply retry.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Queue } from 'bullmq';
import { runControlKeys, type RunControlKeys } from '../shared/redis/run-control-keys.js';
import { readZombies, writeStops, type RunControlClient } from '../shared/redis/run-control-store.js';
import { InvalidRunIdError } from './errors/invalid-run-id-error.js';
import { stopRuns, type StopResult, type StopStatus } from './run-control-sql.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stop entries are kept this long: far longer than any poll needs, short enough to stay small. */
const KEEP_STOPS_MS = 86_400_000;

export interface RunControlOptions {
  prefix: string;
  em: () => SqlEntityManager;
  /** The BullMQ queue for a name (owned by the caller). */
  queue: (name: string) => Queue;
  /** Queues a workflow's jobs may be in. */
  queuesOf: (workflow: string) => readonly string[];
  /** Any queue: its Redis client carries run control's commands. */
  anyQueue: () => Queue;
}

export interface StopOptions {
  /** Why, kept in the run's `error`. @defaultValue none */
  reason?: string | undefined;
}

export class RunControl {
  readonly keys: RunControlKeys;

  constructor(private readonly options: RunControlOptions) {
    this.keys = runControlKeys(options.prefix);
  }

  async client(): Promise<RunControlClient> {
    return await this.options.anyQueue().getBackend().client;
  }

  /** Cancels runs: final status `cancelled`, never retried. */
  cancel(runIds: readonly string[], options: StopOptions = {}): Promise<StopResult> {
    return this.#stop(runIds, 'cancelled', options.reason ? `cancelled by an operator: ${options.reason}` : 'cancelled by an operator');
  }

  /** Fails runs by hand: final status `failed`, never retried. */
  fail(runIds: readonly string[], options: StopOptions = {}): Promise<StopResult> {
    return this.#stop(runIds, 'failed', options.reason ? `failed by an operator: ${options.reason}` : 'failed by an operator');
  }

  async #stop(runIds: readonly string[], status: StopStatus, error: string): Promise<StopResult> {
    const ids = [...new Set(runIds)];
    const malformed = ids.filter((id) => !UUID.test(id));
    if (malformed.length > 0) throw new InvalidRunIdError(malformed);
    if (ids.length === 0) return { stopped: [], alreadyFinal: [], unknown: [] };
    const result = await stopRuns(this.options.em(), ids, status, error.slice(0, 4_000), new Date());
    // A pending or delayed run was never sent (its outbox row is closed): nothing in Redis to stop.
    const inRedis = [
      ...result.stopped.filter((row) => row.status !== 'pending' && row.status !== 'delayed'),
      ...result.alreadyFinal.filter((row) => row.status === status),
    ];
    if (inRedis.length > 0) {
      await writeStops(await this.client(), this.keys, new Map(inRedis.map((row) => [row.runId, status])), KEEP_STOPS_MS);
      // Waiting, delayed (a retry's backoff) or prioritized jobs go at once; an
      // active one is locked (remove answers 0) and its worker hears the stop.
      await Promise.all(inRedis.flatMap((row) => this.options.queuesOf(row.workflow).map((name) => this.options.queue(name).remove(row.runId))));
    }
    return result;
  }

  /** Attempts abandoned by workers, per workflow. */
  async zombies(): Promise<Record<string, number>> {
    return readZombies(await this.client(), this.keys);
  }
}
