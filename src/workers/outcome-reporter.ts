/**
 * Sends a worker's verdicts back to the control plane through Redis: every
 * ended attempt to the results queue, and a run that is dead also to the
 * dead-letter queue with its payload, the reason and the attempt history.
 *
 * Results are batched: the outcomes of the jobs a worker ends at about the
 * same time travel as ONE results job (self-clocking, see BatchWriter: a lone
 * outcome leaves at once; under load, what ends while an add is in flight
 * goes with the next add, up to `RESULT_BATCH_MAX`). `report` resolves only
 * once the results job holding the outcome is in Redis, and the processor
 * awaits it before BullMQ acknowledges the workflow job — so a worker that
 * dies with outcomes not yet sent leaves their jobs to run again, never a
 * finished job without its outcome. One results job per outcome cost every
 * run a second BullMQ job's worth of Redis and recorder work (bench/RESULTS.md).
 *
 * A job that runs again (its worker died after reporting, before BullMQ
 * marked it done) is reported again; the recorder keeps the first final
 * outcome of a run and ignores older attempts (record-outcomes-sql.ts).
 *
 * A worker that cannot report keeps the job: when the add fails (Redis at
 * `maxmemory` with `noeviction` refuses writes, an outage outlasts the
 * connection's retries), the add is tried again with capped backoff (100 ms
 * doubling to 5 s) for as long as it takes, and `report` stays pending, so
 * the processor does not return and BullMQ does not acknowledge the
 * workflow job. If the job's lock lapses meanwhile, stalled-job recovery
 * runs it again elsewhere; its outcome then arrives twice and the recorder
 * keeps the first final one. Only shutdown (the abort signal) ends the
 * retries: the job is then abandoned, never acknowledged, and runs again.
 *
 * Size caps: an outcome larger than `maxOutcomeBytes` is refused before it is
 * sent (`problemWith`; the processor fails the run), and a batch is split
 * into results jobs of at most `maxJobBytes` each.
 *
 * Dead letters stay one job per run, id `deadLetterJobId(runId)` (a re-send
 * is a no-op); a redrive consumes it.
 */
import type { Job, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriter } from '../shared/batching/batch-writer.js';
import { wrapWorkflowOutcomeBatch, type WorkflowOutcomeWire } from '../dto/index.js';
import { DEAD_LETTER_PAYLOAD_MAX_BYTES, deadLetterJobId, type DeadLetterWire } from '../dto/dead-letter.js';
import { UnreadableJobData } from './unreadable-job-data.js';

/** Results stay an hour in the results queue after recording; a recording that fails is retried. */
const RESULT_JOB_OPTIONS = { removeOnComplete: { age: 3_600 }, attempts: 5, backoff: { type: 'exponential', delay: 500 } };

/** Most outcomes in one results job (keeps a job small enough for the dashboard and one UPDATE). */
export const RESULT_BATCH_MAX = 200;

export const RESULT_JOB_NAME = 'outcomes';

/** Largest outcome, in bytes of JSON (`NYX_MAX_RESULT_BYTES`). */
export const DEFAULT_MAX_OUTCOME_BYTES = 1_048_576;
/** Largest results job, in bytes of JSON (`NYX_MAX_RESULTS_JOB_BYTES`). */
export const DEFAULT_MAX_RESULTS_JOB_BYTES = 8_388_608;

const REPORT_RETRY_BASE_MS = 100;
const REPORT_RETRY_MAX_MS = 5_000;

export interface OutcomeReporterOptions {
  /** Most outcomes per results job. @defaultValue RESULT_BATCH_MAX */
  maxBatch?: number;
  /** Largest outcome, in bytes of JSON. @defaultValue 1048576 */
  maxOutcomeBytes?: number;
  /** Largest results job, in bytes of JSON (a bigger batch is split). @defaultValue 8388608 */
  maxJobBytes?: number;
  /** Ends the retries of a report that Redis keeps refusing (shutdown). */
  signal?: AbortSignal;
  /** Told about each refused add (once per failure streak and then every 10th). */
  onRetry?: (error: unknown, failures: number) => void;
}

export type DeadLetterFields = Pick<DeadLetterWire, 'runId' | 'taskId' | 'subjectId' | 'workflow' | 'reason' | 'error'>;

/**
 * The job's data as a letter keeps it: unreadable data as its raw text,
 * anything huge cut, anything JSON.stringify cannot write (nesting deep
 * enough to overflow the stack parses fine but does not serialize) replaced
 * by a note — a dead letter must always be writable.
 */
function payloadOf(job: Job): { payload: unknown; payloadTruncated: boolean } {
  const data: unknown = job.data;
  const raw = data instanceof UnreadableJobData ? data.raw : data;
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
  } catch (error) {
    return { payload: `[payload not kept: ${(error as Error).message}]`, payloadTruncated: true };
  }
  if (Buffer.byteLength(text) <= DEAD_LETTER_PAYLOAD_MAX_BYTES) return { payload: raw ?? null, payloadTruncated: false };
  return { payload: text.slice(0, DEAD_LETTER_PAYLOAD_MAX_BYTES / 4), payloadTruncated: true };
}

export class OutcomeReporter {
  readonly #batches: BatchWriter<WorkflowOutcomeWire>;
  /** Sizes measured by `problemWith`, so an outcome is serialized once for its size. */
  readonly #sizes = new WeakMap<object, number>();
  readonly #maxOutcomeBytes: number;
  readonly #maxJobBytes: number;

  constructor(
    results: Queue,
    private readonly deadLetters: Queue,
    private readonly options: OutcomeReporterOptions = {},
  ) {
    this.#maxOutcomeBytes = options.maxOutcomeBytes ?? DEFAULT_MAX_OUTCOME_BYTES;
    this.#maxJobBytes = Math.max(options.maxJobBytes ?? DEFAULT_MAX_RESULTS_JOB_BYTES, this.#maxOutcomeBytes);
    this.#batches = new BatchWriter(async (outcomes) => {
      const jobs = this.#splitBySize(outcomes).map((chunk) => ({
        name: RESULT_JOB_NAME,
        data: wrapWorkflowOutcomeBatch(chunk),
        opts: RESULT_JOB_OPTIONS,
      }));
      await this.#untilAdded(() => (jobs.length === 1 ? results.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : results.addBulk(jobs)));
    }, options.maxBatch ?? RESULT_BATCH_MAX);
  }

  #sizeOf(outcome: WorkflowOutcomeWire): number {
    let size = this.#sizes.get(outcome);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(outcome));
      this.#sizes.set(outcome, size);
    }
    return size;
  }

  /** Why this outcome may not be sent (too large), or null. */
  problemWith(outcome: WorkflowOutcomeWire): string | null {
    const size = this.#sizeOf(outcome);
    return size > this.#maxOutcomeBytes ? `it is ${size} bytes of JSON, more than NYX_MAX_RESULT_BYTES (${this.#maxOutcomeBytes})` : null;
  }

  #splitBySize(outcomes: WorkflowOutcomeWire[]): WorkflowOutcomeWire[][] {
    const chunks: WorkflowOutcomeWire[][] = [];
    let chunk: WorkflowOutcomeWire[] = [];
    let bytes = 0;
    for (const outcome of outcomes) {
      const size = this.#sizeOf(outcome);
      if (chunk.length > 0 && bytes + size > this.#maxJobBytes) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(outcome);
      bytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  /** Tries `add` until Redis takes it; only the abort signal (shutdown) ends the retries, with the last error. */
  async #untilAdded(add: () => Promise<unknown>): Promise<void> {
    for (let failures = 0; ;) {
      try {
        await add();
        return;
      } catch (error) {
        failures += 1;
        if (this.options.signal?.aborted) throw error;
        if (failures === 1 || failures % 10 === 0) this.options.onRetry?.(error, failures);
        const delay = Math.min(REPORT_RETRY_BASE_MS * 2 ** (failures - 1), REPORT_RETRY_MAX_MS);
        await sleep(delay, undefined, this.options.signal ? { signal: this.options.signal } : {}).catch(() => {});
        if (this.options.signal?.aborted) throw error;
      }
    }
  }

  /** Resolves once the results job holding this (validated, wire-form) outcome is in Redis. */
  report(outcome: WorkflowOutcomeWire): Promise<void> {
    return this.#batches.add(outcome);
  }

  /** Waits for every results job being sent. */
  async drain(): Promise<void> {
    await this.#batches.drain();
  }

  /**
   * Writes the run's dead letter. `failedByBullmq`: BullMQ already moved the
   * job to failed (a failure the processor never saw), so the ending attempt
   * is counted and its error is the last entry of the stack traces.
   */
  async deadLetter(job: Job, letter: DeadLetterFields, failedByBullmq = false): Promise<void> {
    const traces = [...(job.stacktrace ?? [])];
    const entry: DeadLetterWire = {
      ...letter,
      // Otherwise the attempt that ends now is not counted by BullMQ yet.
      attemptsMade: failedByBullmq ? job.attemptsMade : job.attemptsMade + 1,
      attemptsStarted: job.attemptsStarted,
      history: failedByBullmq ? traces.slice(0, -1) : traces,
      ...payloadOf(job),
      failedAt: new Date().toISOString(),
    };
    await this.#untilAdded(() => this.deadLetters.add('dead', entry, { jobId: deadLetterJobId(letter.runId) }));
  }
}
