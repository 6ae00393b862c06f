/**
 * Sends a worker's verdicts back to the control plane through Redis: every
 * ended attempt to the results queue, and a run that is dead also to the
 * dead-letter queue with its payload, the reason and the attempt history.
 *
 * Job ids make re-sends no-ops. A worker that dies after reporting but before
 * BullMQ marked its job done runs the job again and reports again under the
 * same id (the recorder is idempotent past the dedup window anyway):
 * - results: `<runId>.<delivery>.a<attempt>` for a failed attempt that will be
 *   retried, `<runId>.<delivery>.final` for the one final outcome (completed or
 *   dead) — a delivery has exactly one, and the first one sent wins, as in the
 *   recorder. `<delivery>` is the job's creation time, so a run that was
 *   redriven (a new job under the same id) does not collide with the results
 *   of its earlier life still kept in the results queue;
 * - dead letters: the run id (`deadLetterJobId`), one per run; a redrive
 *   consumes it.
 */
import type { Job, Queue } from 'bullmq';
import { wrapWorkflowOutcome, type WorkflowOutcome } from '../dto/index.js';
import { DEAD_LETTER_PAYLOAD_MAX_BYTES, deadLetterJobId, type DeadLetterWire } from '../dto/dead-letter.js';
import { UnreadableJobData } from './unreadable-job-data.js';

/** Results stay an hour in the results queue after recording; a report is retried if Redis hiccups. */
const RESULT_JOB_OPTIONS = { removeOnComplete: { age: 3_600 }, attempts: 5, backoff: { type: 'exponential', delay: 500 } };

export type DeadLetterFields = Pick<DeadLetterWire, 'runId' | 'taskId' | 'workflow' | 'reason' | 'error'>;

export function resultJobId(outcome: WorkflowOutcome, job: Pick<Job, 'timestamp'>): string {
  const final = outcome.kind === 'completed' || outcome.final;
  return `${outcome.runId}.${job.timestamp}.${final ? 'final' : `a${outcome.attempt}`}`;
}

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
  constructor(
    private readonly results: Queue,
    private readonly deadLetters: Queue,
  ) {}

  async report(outcome: WorkflowOutcome, job: Pick<Job, 'timestamp'>): Promise<void> {
    await this.results.add(outcome.kind, wrapWorkflowOutcome(outcome), { ...RESULT_JOB_OPTIONS, jobId: resultJobId(outcome, job) });
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
