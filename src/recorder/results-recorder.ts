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
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { openResultMessage, RESULTS_QUEUE, type OpenedResultMessage, type WorkflowOutcome } from '../dto/index.js';
import type { Logger } from '../logging/logger.js';
import { BatchWriter } from '../batching/batch-writer.js';
import { unreachableDependency } from '../errors/unreachable-dependency.js';
import { recordOutcomes } from './record-outcomes-sql.js';
import { exponentialBackoffMs } from '../batching/backoff.js';

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
}

export class ResultsRecorder {
  readonly #writer: BatchWriter<WorkflowOutcome>;
  readonly #worker: Worker;
  readonly #closing = new AbortController();
  /** Outcomes committed since start. */
  recorded = 0;

  constructor(private readonly options: ResultsRecorderOptions) {
    this.#writer = new BatchWriter(async (outcomes) => {
      const changed = new Set(await this.#record(outcomes));
      this.recorded += outcomes.length;
      // Only outcomes that changed their run: one delivered twice is counted once (metrics).
      if (options.onRecorded && changed.size > 0) options.onRecorded(outcomes.filter((outcome) => changed.has(outcome.runId)));
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
    // The valid outcomes of a batch are recorded even when some entries are not.
    await Promise.all(opened.outcomes.map((outcome) => this.#writer.add(outcome)));
    if (opened.invalid.length > 0) {
      this.options.log.error({ jobId: job.id, invalid: opened.invalid }, 'invalid outcomes in a result message');
      const first = opened.invalid[0]!;
      throw new UnrecoverableError(
        `invalid result message: ${opened.invalid.length} of ${opened.invalid.length + opened.outcomes.length} outcomes invalid (the others were recorded); #${first.index}: ${first.reason}`,
      );
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
  async #record(outcomes: WorkflowOutcome[]): Promise<string[]> {
    for (let failures = 0; ; failures += 1) {
      try {
        const changed = await recordOutcomes(this.options.em(), outcomes);
        if (failures > 0) this.options.log.info({ failures }, 'results recorder: PostgreSQL is back');
        return changed;
      } catch (error) {
        if (this.#closing.signal.aborted || unreachableDependency(error) !== 'postgres') throw error;
        const delayMs = exponentialBackoffMs(failures, RETRY_BASE_MS, RETRY_MAX_MS);
        this.options.log.warn({ err: error, failures: failures + 1, retryInMs: delayMs, outcomes: outcomes.length }, 'results recorder: PostgreSQL unreachable; holding the results');
        await sleep(delayMs, undefined, { signal: this.#closing.signal }).catch(() => {});
      }
    }
  }

  /** Stops taking result jobs, writes what it holds, and closes. */
  async close(): Promise<void> {
    this.#closing.abort();
    const closing = this.#worker.close();
    await this.#writer.drain();
    await closing;
  }
}
