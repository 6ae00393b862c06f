/**
 * Reading the dead-letter queue. Nobody consumes it: a letter waits there
 * (BullMQ state `waiting`) until an operator redrives the run, which removes
 * it. Letters are validated with the shared schema; one that does not parse
 * (written by some other version) is still listed, with the problem.
 */
import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { DeadLetter, deadLetterJobId } from '../../dto/dead-letter.js';

export interface DeadLetterEntry {
  /** The job id in the dead-letter queue (the run id, or `raw-…` for a job written by hand). */
  jobId: string;
  letter: DeadLetter | null;
  /** Why `letter` is null. */
  problem?: string;
  job: Job;
}

function toEntry(job: Job): DeadLetterEntry {
  const parsed = DeadLetter.safeParse(job.data);
  return parsed.success
    ? { jobId: String(job.id), letter: parsed.data, job }
    : { jobId: String(job.id), letter: null, problem: `unreadable dead letter: ${z.prettifyError(parsed.error)}`, job };
}

/** Every letter, oldest first (up to `limit`). */
export async function listDeadLetters(queue: Queue, limit = 10_000): Promise<DeadLetterEntry[]> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed'], 0, limit - 1, true);
  return jobs.filter((job): job is Job => Boolean(job)).map(toEntry);
}

/** The letter of a run (by run id, or by its dead-letter job id). */
export async function findDeadLetter(queue: Queue, runId: string): Promise<DeadLetterEntry | null> {
  const job = (await queue.getJob(deadLetterJobId(runId))) ?? (await queue.getJob(runId));
  return job ? toEntry(job) : null;
}
