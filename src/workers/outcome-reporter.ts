/**
 * Sends a worker's verdicts back to the control plane through Redis: every
 * ended attempt to the results queue, and a run that is dead also to the
 * dead-letter queue with its payload, the reason and the attempt history.
 *
 * Job ids make re-sends no-ops: a worker that dies after reporting but before
 * BullMQ marked its job done runs the job again and reports again under the
 * same id (and the recorder is idempotent past the dedup window).
 */
import type { Job, Queue } from 'bullmq';
import { wrapWorkflowOutcome, type WorkflowOutcome } from '../dto/index.js';

export interface DeadLetter {
  runId: string;
  taskId: string | null;
  workflow: string | null;
  reason: string;
  error: string;
  attemptsMade: number;
  /** Errors of the earlier attempts, oldest first (BullMQ's stack traces). */
  history: string[];
  /** The job's data exactly as it was in Redis. */
  payload: unknown;
  failedAt: string;
}

/** Completed results stay this long in the results queue after recording, in s. */
const RESULT_JOB_OPTIONS = { removeOnComplete: { age: 3_600 }, attempts: 5, backoff: { type: 'exponential', delay: 500 } };

export class OutcomeReporter {
  constructor(
    private readonly results: Queue,
    private readonly deadLetters: Queue,
  ) {}

  async report(outcome: WorkflowOutcome): Promise<void> {
    const suffix = outcome.kind === 'completed' ? 'done' : `a${outcome.attempt}`;
    await this.results.add(outcome.kind, wrapWorkflowOutcome(outcome), { ...RESULT_JOB_OPTIONS, jobId: `${outcome.runId}.${suffix}` });
  }

  async deadLetter(job: Job, letter: Omit<DeadLetter, 'payload' | 'history' | 'failedAt' | 'attemptsMade'>): Promise<void> {
    const entry: DeadLetter = {
      ...letter,
      attemptsMade: job.attemptsMade + 1,
      history: [...(job.stacktrace ?? [])],
      payload: job.data,
      failedAt: new Date().toISOString(),
    };
    await this.deadLetters.add('dead', entry, { jobId: letter.runId });
  }
}
