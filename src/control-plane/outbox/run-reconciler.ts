/**
 * PostgreSQL is the truth: the reconciler finds runs that PostgreSQL says
 * are in Redis (`queued`, `running`) but whose BullMQ job no longer exists —
 * Redis restarted empty, a failover lost the last writes, someone ran
 * FLUSHDB — and sends them again through the outbox, under the same run id
 * (so the same job id), from the payload the run row still holds (the
 * payload of a run that is not final is never pruned, see `pruneDispatched`).
 *
 * Invariants:
 * - Cost is per batch, not per run: one claim statement, one pipelined
 *   EXISTS per queue in the batch (one round trip with `single` routing),
 *   and at most one re-send statement. An idle pass (nothing in Redis per
 *   PostgreSQL) is one SELECT and no Redis command.
 * - A run is re-sent once, whatever the number of control planes: the claim
 *   locks runs `FOR UPDATE SKIP LOCKED` and the re-send clears `queued_at`
 *   in the same transaction (reconcile-sql.ts).
 * - A run sent less than `graceMs` ago is not looked at: that covers a
 *   result on its way (its job completed and, if completed jobs are removed
 *   early, gone, while its results job waits in the results queue). If such a
 *   run is re-sent anyway (the results queue was slower than the grace),
 *   it runs twice and the recorder keeps the first final outcome: at least
 *   once, exactly once in effect (see docs/recovery.md).
 * - A job that exists in any state (waiting, active, delayed, completed,
 *   failed) is not lost; only a missing job key is. An error from Redis is
 *   never read as "missing": the batch rolls back and the pass ends.
 * - Data loss is noticed fast: a marker key written once (`SET NX`) is read
 *   every `markerCheckMs` and on every reconnect; when it is gone Redis lost
 *   its data, and a pass starts at once with no grace period for the runs
 *   sent before the loss was noticed (their jobs are gone, results on their
 *   way included); runs sent after it went to the new Redis.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../shared/logging/logger.js';
import { claimReconcileBatch, resendRuns, type ReconcileCandidate } from './reconcile-sql.js';

export interface RunReconcilerOptions {
  /** A fresh EntityManager fork per batch. */
  em: () => SqlEntityManager;
  /** The BullMQ queue for a queue name (owned by the caller). */
  queue: (name: string) => Queue;
  /** The queue whose connection reads and writes the marker key. */
  markerQueue: string;
  /** Time between passes, in ms. @defaultValue 30000 */
  intervalMs: number;
  /** A run sent less than this long ago is not looked at, in ms. @defaultValue 30000 */
  graceMs: number;
  /** Runs per batch (one claim, one pipeline per queue). @defaultValue 1000 */
  batchSize: number;
  /** How often the marker key is read, in ms. @defaultValue 1000 */
  markerCheckMs: number;
  log: Logger;
  /** Called after every pass (metrics). */
  onPass?: (pass: ReconcilePass) => void;
}

export interface ReconcilePass {
  /** Runs whose job was looked up in Redis. */
  checked: number;
  /** Runs sent again (their job was gone). */
  resent: number;
  batches: number;
  /** SQL statements this pass ran (BEGIN and COMMIT included). */
  statements: number;
  /** Redis round trips this pass made (pipelines). */
  redisRoundTrips: number;
  /** The pass was started by a detected data loss (no grace period). */
  afterDataLoss: boolean;
  durationMs: number;
  at: Date;
}

/** The queue's own ioredis connection (BullMQ wraps it; the commands used here pass through). */
function redisOf(queue: Queue): Promise<Redis> {
  return queue.getBackend().client as unknown as Promise<Redis>;
}

export class RunReconciler {
  readonly #markerKey: string;
  readonly #epoch = randomUUID();
  #running = false;
  #loop: Promise<void> | null = null;
  #markerTimer: NodeJS.Timeout | null = null;
  #wakeup: (() => void) | null = null;
  /** When a data loss was noticed: the next pass looks at every run sent before then, with no grace. */
  #lossSeenAt: Date | null = null;
  #checkingMarker: Promise<void> | null = null;
  #readyListener: (() => void) | null = null;
  #checkedOnce = false;
  /** Runs re-sent since start. */
  reconciled = 0;
  /** Times the marker was found gone after start: Redis lost its data while this control plane ran. */
  dataLossDetected = 0;
  lastPass: ReconcilePass | null = null;

  constructor(private readonly options: RunReconcilerOptions) {
    const queue = options.queue(options.markerQueue);
    this.#markerKey = `${queue.opts.prefix ?? 'bull'}:nyx:redis-epoch`;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#markerTimer = setInterval(() => void this.checkMarker(), this.options.markerCheckMs);
    this.#markerTimer.unref();
    // Before start() returns: a loss seen now concerns only runs sent before now.
    await this.checkMarker();
    const client = await redisOf(this.options.queue(this.options.markerQueue)).catch(() => null);
    if (client) {
      this.#readyListener = () => void this.checkMarker();
      client.on('ready', this.#readyListener);
    }
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#markerTimer) clearInterval(this.#markerTimer);
    this.#markerTimer = null;
    if (this.#readyListener) {
      const client = await redisOf(this.options.queue(this.options.markerQueue)).catch(() => null);
      client?.off('ready', this.#readyListener);
    }
    this.#wakeup?.();
    await this.#loop;
    await this.#checkingMarker;
    this.#loop = null;
  }

  /**
   * Reads the marker; when it is gone, writes it again and asks for a pass
   * now. Errors (Redis away) are ignored: the next check or reconnect reads
   * again.
   */
  checkMarker(): Promise<void> {
    this.#checkingMarker ??= (async () => {
      try {
        const client = await redisOf(this.options.queue(this.options.markerQueue));
        const written = await client.set(this.#markerKey, this.#epoch, 'NX');
        if (written === 'OK') {
          if (this.#checkedOnce) this.dataLossDetected += 1;
          // At start a missing marker may just be a new Redis or prefix; the pass warns if it finds anything lost.
          const level = this.#checkedOnce ? 'warn' : 'info';
          this.options.log[level]({ key: this.#markerKey }, 'reconciler: Redis has lost its data (or is new); reconciling now');
          this.#lossSeenAt = new Date();
          this.#wakeup?.();
        }
        this.#checkedOnce = true;
      } catch {
        // Redis unreachable: nothing to conclude.
      } finally {
        this.#checkingMarker = null;
      }
    })();
    return this.#checkingMarker;
  }

  /**
   * One pass over every run that should be in Redis and was sent before
   * `sentBefore` (default: the grace period ago).
   */
  async reconcileOnce(options: { sentBefore?: Date; afterDataLoss?: boolean } = {}): Promise<ReconcilePass> {
    const started = Date.now();
    const sentBefore = options.sentBefore ?? new Date(started - this.options.graceMs);
    const pass: ReconcilePass = {
      checked: 0,
      resent: 0,
      batches: 0,
      statements: 0,
      redisRoundTrips: 0,
      afterDataLoss: options.afterDataLoss ?? false,
      durationMs: 0,
      at: new Date(started),
    };
    let afterId: string | null = null;
    for (;;) {
      const batch = await this.options.em().transactional(async (tx) => {
        const candidates = await claimReconcileBatch(tx, { sentBefore, afterId, limit: this.options.batchSize });
        if (candidates.length === 0) return { candidates, resent: [] as string[], roundTrips: 0 };
        const { missing, roundTrips } = await this.#missingJobs(candidates);
        const resent = missing.length > 0 ? await resendRuns(tx, missing) : [];
        return { candidates, resent, roundTrips };
      });
      pass.batches += 1;
      pass.statements += 3 + (batch.resent.length > 0 ? 1 : 0);
      pass.redisRoundTrips += batch.roundTrips;
      pass.checked += batch.candidates.length;
      pass.resent += batch.resent.length;
      if (batch.candidates.length < this.options.batchSize) break;
      afterId = batch.candidates.at(-1)!.runId;
    }
    pass.durationMs = Date.now() - started;
    this.reconciled += pass.resent;
    this.lastPass = pass;
    if (pass.resent > 0) {
      this.options.log.warn(
        { resent: pass.resent, checked: pass.checked, afterDataLoss: pass.afterDataLoss, durationMs: pass.durationMs },
        'reconciler: runs whose job Redis lost were sent again',
      );
    }
    this.options.onPass?.(pass);
    return pass;
  }

  /** The candidates whose job key does not exist: one pipeline per queue, all in parallel. */
  async #missingJobs(candidates: readonly ReconcileCandidate[]): Promise<{ missing: string[]; roundTrips: number }> {
    const byQueue = new Map<string, ReconcileCandidate[]>();
    for (const candidate of candidates) {
      const list = byQueue.get(candidate.queue);
      if (list) list.push(candidate);
      else byQueue.set(candidate.queue, [candidate]);
    }
    const missing: string[] = [];
    await Promise.all(
      [...byQueue].map(async ([name, list]) => {
        const queue = this.options.queue(name);
        const client = await redisOf(queue);
        const pipeline = client.pipeline();
        for (const candidate of list) pipeline.exists(queue.toKey(candidate.runId));
        const replies = (await pipeline.exec()) ?? [];
        if (replies.length !== list.length) throw new Error(`reconciler: ${replies.length} replies for ${list.length} EXISTS`);
        replies.forEach(([error, exists], index) => {
          if (error) throw error;
          if (Number(exists) === 0) missing.push(list[index]!.runId);
        });
      }),
    );
    return { missing, roundTrips: byQueue.size };
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const lossSeenAt = this.#lossSeenAt;
      this.#lossSeenAt = null;
      try {
        await this.reconcileOnce(lossSeenAt ? { sentBefore: lossSeenAt, afterDataLoss: true } : {});
      } catch (error) {
        if (lossSeenAt) this.#lossSeenAt ??= lossSeenAt;
        this.options.log.warn({ err: error }, 'reconciler: pass failed; trying again at the next one');
      }
      if (!this.#running) break;
      if (this.#lossSeenAt) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#wakeup = null;
          resolve();
        };
        const timer = setTimeout(done, this.options.intervalMs);
        this.#wakeup = done;
      });
    }
  }
}
