/**
 * What workers sent to a results queue, read back outcome by outcome: a
 * results job holds a batch of outcomes (src/workers/outcome-reporter.ts).
 */
import { Queue, type JobType } from 'bullmq';
import { openResultMessage, RESULTS_QUEUE, type WorkflowOutcome } from '../../src/dto/index.js';
import { SHARED_REDIS_URL } from './test-redis.js';

export async function outcomesInResultsQueue(prefix: string, states: JobType[]): Promise<WorkflowOutcome[]> {
  const results = new Queue(RESULTS_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
  try {
    const jobs = await results.getJobs(states);
    return jobs.flatMap((job) => openResultMessage(job.data).outcomes);
  } finally {
    await results.close();
  }
}
