/**
 * Moves undispatched runs (the outbox is the run row, see outbox-sql.ts)
 * into BullMQ. Invariants:
 * - A run is sent at least once: it is marked dispatched only in the same
 *   transaction that claimed it, after `addBulk` returned. A crash in between
 *   leaves it undispatched, and it is sent again.
 * - A re-send is harmless: the job id is the run id, and BullMQ ignores an add
 *   whose id exists. Completed jobs are kept `keepCompletedSeconds` (default a
 *   day), far longer than a relay takes to come back, so the dedup window
 *   covers the retry window; past it, the recorder's idempotency does.
 * - Relays in several processes never send the same row at the same time
 *   (`FOR UPDATE SKIP LOCKED`, see outbox-sql.ts).
 * - With Redis away, `addBulk` fails fast, the transaction rolls back, and the
 *   relay retries with exponential backoff; spawns keep succeeding meanwhile.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../shared/logging/logger.js';
import { claimOutboxBatch, markDispatched, pruneDispatched, type OutboxRow } from './outbox-sql.js';
import { NyxError } from '../../shared/errors/nyx-error.js';
import { exponentialBackoffMs } from '../../shared/batching/backoff.js';
import { rejectAfter } from '../../shared/batching/timeout.js';

export interface RelayJobOptions {
  /** Attempts per run. */
  attempts: number;
  /** Base of the exponential backoff between attempts, in ms. */
  backoffMs: number;
  /** How long completed jobs stay in Redis (the dedup window), in s. @defaultValue 86400 */
  keepCompletedSeconds?: number;
  /** How long failed jobs stay in Redis, in s (their copy lives on in the dead-letter queue). @defaultValue 604800 */
  keepFailedSeconds?: number;
}

export interface OutboxRelayOptions {
  /** A fresh EntityManager fork per batch. */
  em: () => SqlEntityManager;
  /** The BullMQ queue for a queue name (owned by the caller). */
  queue: (name: string) => Queue;
  /** Rows per batch. */
  batchSize: number;
  /** Poll interval when no NOTIFY arrives, in ms. */
  pollMs: number;
  /** Payloads of final runs dispatched longer ago than this are pruned, in ms. */
  retentionMs: number;
  jobOptions: RelayJobOptions;
  log: Logger;
  /**
   * Longest wait for one addBulk, in ms. BullMQ waits for a connection that
   * is reconnecting instead of failing; past this the batch rolls back and is
   * retried (a late addBulk that lands anyway is deduplicated by job id).
   * (NYX_RELAY_SEND_TIMEOUT_MS; its default is in CONFIG_DEFAULTS.)
   */
  sendTimeoutMs: number;
}

const RETRY_BASE_MS = 100;
const MAX_BACKOFF_MS = 10_000;

export class RelaySendTimeoutError extends NyxError {
  readonly code = 'relay_send_timeout';
  readonly kind = 'unavailable';

  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms (Redis unreachable?); the batch stays in the outbox`);
    this.name = this.constructor.name;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // A late rejection of the abandoned send must not become an unhandled one.
  promise.catch(() => {});
  return rejectAfter(promise, ms, () => new RelaySendTimeoutError(what, ms));
}
const PRUNE_EVERY_MS = 60_000;

/** The BullMQ job an outbox row becomes (exported so the benchmark's raw baseline adds exactly the same jobs). */
export function toBulkJob(
  row: Pick<OutboxRow, 'runId' | 'jobName' | 'payload' | 'priority'> & Partial<Pick<OutboxRow, 'jobOptions'>>,
  jobOptions: RelayJobOptions,
): { name: string; data: unknown; opts: JobsOptions } {
  const { attempts, backoffMs, keepCompletedSeconds = 86_400, keepFailedSeconds = 604_800 } = jobOptions;
  // The workflow's own policy, written by the producer, wins over the defaults.
  const policy = row.jobOptions ?? {};
  const opts: JobsOptions = {
    jobId: row.runId,
    attempts: policy.attempts ?? attempts,
    backoff: policy.backoff ? { type: policy.backoff.type, delay: policy.backoff.delayMs } : { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: keepCompletedSeconds },
    removeOnFail: { age: keepFailedSeconds },
  };
  if (row.priority > 0) opts.priority = row.priority;
  return { name: row.jobName, data: row.payload, opts };
}

export class OutboxRelay {
  #running = false;
  #loop: Promise<void> | null = null;
  #wakePending = false;
  #wakeup: (() => void) | null = null;
  #failures = 0;
  #lastPrune = 0;
  /** Rows sent since start. */
  dispatched = 0;

  /** Failed attempts in a row (0 when the last one worked): Redis or PostgreSQL is away. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Ends the loop after the batch in flight (that batch either commits or rolls back). */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#loop = null;
  }

  /** Called on NOTIFY (or by an in-process spawn): look at the outbox now. */
  wake(): void {
    this.#wakePending = true;
    this.#wakeup?.();
  }

  /** Claims, sends and marks one batch; returns how many rows it sent. */
  async relayOnce(): Promise<number> {
    const em = this.options.em();
    return em.transactional(async (tx) => {
      const rows = await claimOutboxBatch(tx, this.options.batchSize);
      if (rows.length === 0) return 0;
      await this.#send(rows);
      await markDispatched(tx, rows, new Date());
      return rows.length;
    });
  }

  async #send(rows: readonly OutboxRow[]): Promise<void> {
    const byQueue = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const queueRows = byQueue.get(row.queue);
      if (queueRows) queueRows.push(row);
      else byQueue.set(row.queue, [row]);
    }
    for (const [name, queueRows] of byQueue) {
      const sending = this.options.queue(name).addBulk(queueRows.map((row) => toBulkJob(row, this.options.jobOptions)));
      await withTimeout(sending, this.options.sendTimeoutMs, `addBulk of ${queueRows.length} jobs to "${name}"`);
    }
  }

  async #run(): Promise<void> {
    const { log } = this.options;
    while (this.#running) {
      let sent: number;
      try {
        sent = await this.relayOnce();
        this.dispatched += sent;
        if (this.#failures > 0) log.info({ afterFailures: this.#failures }, 'outbox relay recovered');
        this.#failures = 0;
        await this.#pruneNow();
      } catch (error) {
        this.#failures += 1;
        const delay = exponentialBackoffMs(this.#failures - 1, RETRY_BASE_MS, MAX_BACKOFF_MS);
        log.warn({ err: error, attempt: this.#failures, retryInMs: delay }, 'outbox relay failed; rows stay in the outbox');
        await this.#sleep(delay, false);
        continue;
      }
      // A full batch means more may be waiting: go again at once.
      if (sent < this.options.batchSize) await this.#sleep(this.options.pollMs, true);
    }
  }

  async #pruneNow(): Promise<void> {
    if (Date.now() - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = Date.now();
    const pruned = await pruneDispatched(this.options.em(), new Date(Date.now() - this.options.retentionMs));
    if (pruned > 0) this.options.log.debug({ pruned }, 'pruned the payloads of final runs');
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.#wakePending) {
      this.#wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeup = null;
        this.#wakePending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // During a backoff only stop() may cut the wait short.
      this.#wakeup = wakeable ? done : () => (this.#running ? undefined : done());
    });
  }
}
