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
 * Dead letters stay one job per run, id `deadLetterJobId(runId)` (a re-send
 * is a no-op); a redrive consumes it.
 */
import type { Job, Queue } from 'bullmq';
import { BatchWriter } from '../batching/batch-writer.js';
import { wrapWorkflowOutcomeBatch, type WorkflowOutcomeWire } from '../dto/index.js';
import { DEAD_LETTER_PAYLOAD_MAX_BYTES, deadLetterJobId, type DeadLetterWire } from '../dto/dead-letter.js';
import { UnreadableJobData } from './unreadable-job-data.js';

/** Results stay an hour in the results queue after recording; a recording that fails is retried. */
const RESULT_JOB_OPTIONS = { removeOnComplete: { age: 3_600 }, attempts: 5, backoff: { type: 'exponential', delay: 500 } };

/** Most outcomes in one results job (keeps a job small enough for the dashboard and one UPDATE). */
export const RESULT_BATCH_MAX = 200;

export const RESULT_JOB_NAME = 'outcomes';

export type DeadLetterFields = Pick<DeadLetterWire, 'runId' | 'taskId' | 'workflow' | 'reason' | 'error'>;

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

  constructor(
    results: Queue,
    private readonly deadLetters: Queue,
    maxBatch = RESULT_BATCH_MAX,
  ) {
    this.#batches = new BatchWriter(async (outcomes) => {
      await results.add(RESULT_JOB_NAME, wrapWorkflowOutcomeBatch(outcomes), RESULT_JOB_OPTIONS);
    }, maxBatch);
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
    await this.deadLetters.add('dead', entry, { jobId: deadLetterJobId(letter.runId) });
  }
}
