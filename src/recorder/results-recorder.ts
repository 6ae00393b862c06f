/**
 * The control plane's consumer of the results queue. Why a queue and not
 * BullMQ's completed events: events are fire-and-forget (a control plane that
 * is down misses them), while a result job waits in Redis until a recorder
 * has written it to PostgreSQL and acknowledged it. Several control planes
 * can record at once; the SQL is idempotent (record-outcomes-sql.ts).
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { openWorkflowOutcome, RESULTS_QUEUE, type WorkflowOutcome } from '../dto/index.js';
import type { Logger } from '../logging/logger.js';
import { BatchWriter } from './batch-writer.js';
import { recordOutcomes } from './record-outcomes-sql.js';

export interface ResultsRecorderOptions {
  em: () => SqlEntityManager;
  connection: ConnectionOptions;
  prefix: string;
  /** The results queue's name. @defaultValue `results` */
  queue?: string;
  /** Outcomes per UPDATE, and result jobs taken at once. */
  batchSize: number;
  log: Logger;
  /** Lock and stalled-check intervals of result jobs, in ms (a dead recorder's jobs go to another after that). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Called after each committed batch with the outcomes written (metrics, demo progress). */
  onRecorded?: (outcomes: readonly WorkflowOutcome[]) => void;
}

export class ResultsRecorder {
  readonly #writer: BatchWriter<WorkflowOutcome>;
  readonly #worker: Worker;
  /** Outcomes committed since start. */
  recorded = 0;

  constructor(private readonly options: ResultsRecorderOptions) {
    this.#writer = new BatchWriter(async (outcomes) => {
      await recordOutcomes(options.em(), outcomes);
      this.recorded += outcomes.length;
      options.onRecorded?.(outcomes);
    }, options.batchSize);
    this.#worker = new Worker(options.queue ?? RESULTS_QUEUE, (job) => this.#process(job), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.batchSize,
      autorun: false,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      removeOnComplete: { age: 3_600 },
      removeOnFail: { age: 7 * 86_400 },
    });
    this.#worker.on('error', (error) => options.log.warn({ err: error }, 'results recorder: Redis error'));
  }

  start(): void {
    void this.#worker.run().catch((error: unknown) => this.options.log.error({ err: error }, 'results recorder stopped'));
  }

  async #process(job: Job): Promise<void> {
    let outcome: WorkflowOutcome;
    try {
      outcome = openWorkflowOutcome(job.data);
    } catch (error) {
      // Kept in the results queue's failed set for inspection; retrying cannot fix it.
      this.options.log.error({ jobId: job.id, err: error }, 'invalid result message');
      throw new UnrecoverableError(`invalid result message: ${(error as Error).message}`);
    }
    await this.#writer.add(outcome);
  }

  /** Stops taking result jobs, writes what it holds, and closes. */
  async close(): Promise<void> {
    const closing = this.#worker.close();
    await this.#writer.drain();
    await closing;
  }
}
