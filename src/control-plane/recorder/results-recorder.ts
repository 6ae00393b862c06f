/**
 * The control plane's consumer of the results queue. Why a queue and not
 * BullMQ's completed events: events are fire-and-forget (a control plane that
 * is down misses them), while a result job waits in Redis until a recorder
 * has written it to PostgreSQL and acknowledged it. Several control planes
 * can record at once; the SQL is idempotent (record-outcomes-sql.ts).
 *
 * A results job holds a worker's batch of outcomes (or one, from older
 * workers). Its outcomes go through the group-commit writer with those of
 * other jobs, and the job is acknowledged once all of them are committed.
 *
 * Nothing in a results job is trusted (anything that can write to Redis can
 * write one): each outcome is checked against its run and refused into the
 * quarantine when no worker of that run could have sent it, and one that can
 * never be stored ends its own run dead, with a dead letter, instead of
 * failing the batch it shares (checked-outcomes.ts). A results job larger
 * than `maxJobBytes` is refused whole.
 */
import { closeOrDrop } from '../close-or-drop.js';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { openResultMessage, RESULTS_QUEUE, type OpenedResultMessage, type WorkflowOutcome } from '../../dto/index.js';
import type { Logger } from '../../shared/logging/logger.js';
import { BatchWriter } from '../../shared/batching/batch-writer.js';
import { unreachableDependency } from '../../shared/errors/unreachable-dependency.js';
import { exponentialBackoffMs } from '../../shared/batching/backoff.js';
import type { DeadLetterWire } from '../../dto/dead-letter.js';
import { cutToBytes, toStorableText } from '../../dto/storable.js';
import { recordCheckedOutcomes, UNSTORABLE_DEAD_REASON, type CheckedOutcomes } from './checked-outcomes.js';
import { insertQuarantine, readPayloads, type QuarantineEntry } from './record-outcomes-sql.js';

/** How much of a refused entry the quarantine keeps, in bytes of JSON. */
const QUARANTINE_KEEP_BYTES = 16_384;

interface Received {
  outcome: WorkflowOutcome;
  jobId: string | null;
}

function quarantineText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch (error) {
    text = `[not serializable: ${(error as Error).message}]`;
  }
  return toStorableText(cutToBytes(text, QUARANTINE_KEEP_BYTES));
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;

export interface ResultsRecorderOptions {
  em: () => SqlEntityManager;
  connection: ConnectionOptions;
  prefix: string;
  /** The results queue's name. @defaultValue `results` */
  queue?: string;
  /** Outcomes per UPDATE. */
  batchSize: number;
  /** Results jobs worked on at once (each holds up to a worker's batch of outcomes). @defaultValue 64 */
  jobConcurrency?: number;
  log: Logger;
  /** Lock and stalled-check intervals of result jobs, in ms (a dead recorder's jobs go to another after that). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Called after each committed batch with the outcomes that changed their run (metrics, demo progress). */
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
  /** Highest plausible attempt number; above it an outcome is refused. @defaultValue 2147483647 */
  maxAttempt?: number;
  /** Largest outcome, in bytes of JSON; a bigger one ends its run dead. @defaultValue 1048576 */
  maxOutcomeBytes?: number;
  /** Largest results job, in bytes of JSON; a bigger one is refused whole. @defaultValue 8388608 */
  maxJobBytes?: number;
  /** Writes the dead letters of runs the recorder ended (unstorable outcomes). Without it none are written. */
  writeDeadLetters?: (letters: DeadLetterWire[]) => Promise<void>;
  /** Called after each batch with what was refused and ignored (metrics). */
  onChecked?: (checked: Pick<CheckedOutcomes, 'refused' | 'ignored'> & { refusedJobs: number }) => void;
}

export class ResultsRecorder {
  readonly #writer: BatchWriter<Received>;
  readonly #worker: Worker;
  readonly #closing = new AbortController();
  /** Outcomes committed since start. */
  recorded = 0;

  constructor(private readonly options: ResultsRecorderOptions) {
    this.#writer = new BatchWriter(async (items) => {
      const checked = await this.#record(items);
      this.recorded += items.length;
      // Only outcomes that changed their run: one delivered twice is counted once (metrics).
      if (options.onRecorded && checked.changed.length > 0) options.onRecorded(checked.changed);
    }, options.batchSize);
    this.#worker = new Worker(options.queue ?? RESULTS_QUEUE, (job) => this.#process(job), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.jobConcurrency ?? 64,
      autorun: false,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      removeOnComplete: { age: 3_600 },
      removeOnFail: { age: 7 * 86_400 },
    });
    this.#worker.on('error', (error) => options.log.warn({ err: error }, 'results recorder: Redis error'));
  }

  start(): void {
    void this.#worker.run().catch((error: unknown) => this.options.log.error({ err: error }, 'results recorder stopped'));
  }

  async #process(job: Job): Promise<void> {
    let opened: OpenedResultMessage;
    try {
      opened = openResultMessage(job.data);
    } catch (error) {
      // Kept in the results queue's failed set for inspection; retrying cannot fix it.
      const reason = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
      this.options.log.error({ jobId: job.id, reason }, 'invalid result message');
      throw new UnrecoverableError(`invalid result message: ${reason}`);
    }
    const maxJobBytes = this.options.maxJobBytes ?? 8_388_608;
    const bytes = Buffer.byteLength(JSON.stringify(job.data));
    if (bytes > maxJobBytes) {
      await this.#refuseJob(job, opened, bytes, maxJobBytes);
      return;
    }
    // The valid outcomes of a batch are recorded even when some entries are not.
    const jobId = job.id ?? null;
    await Promise.all(opened.outcomes.map((outcome) => this.#writer.add({ outcome, jobId })));
    if (opened.invalid.length > 0) {
      this.options.log.error({ jobId: job.id, invalid: opened.invalid }, 'invalid outcomes in a result message');
      const first = opened.invalid[0]!;
      throw new UnrecoverableError(
        `invalid result message: ${opened.invalid.length} of ${opened.invalid.length + opened.outcomes.length} outcomes invalid (the others were recorded); #${first.index}: ${first.reason}`,
      );
    }
  }

  /** A results job over the size cap: kept in the quarantine (cut), none of its outcomes written. */
  async #refuseJob(job: Job, opened: OpenedResultMessage, bytes: number, maxJobBytes: number): Promise<void> {
    const runIds = opened.outcomes.map((o) => o.runId);
    const entry: QuarantineEntry = {
      runId: runIds.length === 1 ? runIds[0]! : null,
      reason: 'oversized_job',
      detail: `results job of ${bytes} bytes, more than NYX_MAX_RESULTS_JOB_BYTES (${maxJobBytes}); runs: ${runIds.slice(0, 50).join(', ')}`,
      outcome: quarantineText(job.data),
      resultsJobId: job.id ?? null,
    };
    await this.#withPostgres(() => insertQuarantine(this.options.em(), [entry]), 1);
    this.options.log.warn({ jobId: job.id, bytes, maxJobBytes, outcomes: runIds.length }, 'results job over the size cap refused into the quarantine');
    this.options.onChecked?.({ refused: [], ignored: [], refusedJobs: 1 });
  }

  /**
   * Checks and writes a batch, keeps what was refused, writes the dead
   * letters of runs it ended, and tells the logs and metrics once.
   */
  async #record(items: Received[]): Promise<CheckedOutcomes> {
    const { em, maxAttempt = 2_147_483_647, maxOutcomeBytes = 1_048_576 } = this.options;
    const jobOf = new Map(items.map((item) => [item.outcome.runId, item.jobId]));
    const checked = await this.#withPostgres(async () => {
      const result = await recordCheckedOutcomes(
        em,
        items.map((item) => item.outcome),
        { maxAttempt, maxOutcomeBytes },
      );
      await insertQuarantine(
        em(),
        result.refused.map(({ outcome, reason, detail }) => ({
          runId: outcome.runId,
          reason,
          detail: toStorableText(detail),
          outcome: quarantineText(outcome),
          resultsJobId: jobOf.get(outcome.runId) ?? null,
        })),
      );
      return result;
    }, items.length);
    if (checked.refused.length > 0) {
      const reasons: Record<string, number> = {};
      for (const { reason } of checked.refused) reasons[reason] = (reasons[reason] ?? 0) + 1;
      this.options.log.warn(
        {
          refused: checked.refused.length,
          reasons,
          first: checked.refused.slice(0, 5).map((r) => ({ runId: r.outcome.runId, reason: r.reason, detail: r.detail })),
        },
        'results refused into the quarantine (not written)',
      );
    }
    if (checked.killed.length > 0) {
      this.options.log.warn(
        { runs: checked.killed.slice(0, 20).map((o) => ({ runId: o.runId, error: o.error })), count: checked.killed.length },
        'outcomes that cannot be stored ended their runs dead',
      );
      await this.#writeDeadLetters(checked.killed);
    }
    this.options.onChecked?.({ refused: checked.refused, ignored: checked.ignored, refusedJobs: 0 });
    return checked;
  }

  async #writeDeadLetters(killed: CheckedOutcomes['killed']): Promise<void> {
    const write = this.options.writeDeadLetters;
    if (!write) return;
    const payloads = await this.#withPostgres(
      () =>
        readPayloads(
          this.options.em(),
          killed.map((o) => o.runId),
        ),
      killed.length,
    );
    const letters: DeadLetterWire[] = killed.map((outcome) => ({
      runId: outcome.runId,
      taskId: outcome.taskId,
      workflow: outcome.workflow,
      reason: UNSTORABLE_DEAD_REASON,
      error: outcome.error,
      attemptsMade: outcome.attempt,
      attemptsStarted: outcome.attempt,
      history: [],
      payload: payloads.get(outcome.runId) ?? null,
      payloadTruncated: false,
      failedAt: outcome.finishedAt.toISOString(),
    }));
    // The runs are dead already: keep trying (Redis may be refusing writes) until close.
    for (let failures = 0; ; failures += 1) {
      try {
        await write(letters);
        return;
      } catch (error) {
        if (this.#closing.signal.aborted) {
          this.options.log.error({ err: error, runIds: letters.map((l) => l.runId) }, 'results recorder: dead letters not written before close');
          return;
        }
        const delayMs = Math.min(RETRY_BASE_MS * 2 ** failures, RETRY_MAX_MS);
        this.options.log.warn({ err: error, retryInMs: delayMs }, 'results recorder: could not write dead letters; retrying');
        await sleep(delayMs, undefined, { signal: this.#closing.signal }).catch(() => {});
      }
    }
  }

  /**
   * Writes outcomes; while PostgreSQL is unreachable, waits and tries again
   * (100 ms doubling up to 5 s) for as long as it takes, holding the results
   * jobs (BullMQ keeps extending their locks). Failing them instead would
   * spend their attempts: after a few seconds of outage a results job would
   * land in the failed set and its runs would never be recorded. Other errors
   * (a bug, data PostgreSQL refuses) fail the job as before, and so does an
   * outage that outlasts close(): the jobs go back to the queue.
   */
  async #withPostgres<T>(write: () => Promise<T>, outcomes: number): Promise<T> {
    for (let failures = 0; ; failures += 1) {
      try {
        const done = await write();
        if (failures > 0) this.options.log.info({ failures }, 'results recorder: PostgreSQL is back');
        return done;
      } catch (error) {
        if (this.#closing.signal.aborted || unreachableDependency(error) !== 'postgres') throw error;
        const delayMs = exponentialBackoffMs(failures, RETRY_BASE_MS, RETRY_MAX_MS);
        this.options.log.warn(
          { err: error, failures: failures + 1, retryInMs: delayMs, outcomes },
          'results recorder: PostgreSQL unreachable; holding the results',
        );
        await sleep(delayMs, undefined, { signal: this.#closing.signal }).catch(() => {});
      }
    }
  }

  /** Stops taking result jobs, writes what it holds, and closes. */
  async close(): Promise<void> {
    this.#closing.abort();
    const closing = closeOrDrop(this.#worker);
    await this.#writer.drain();
    await closing;
  }
}
