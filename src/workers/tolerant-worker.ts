/**
 * BullMQ's `Worker`, except that a job whose data is not JSON still becomes
 * a job (with `UnreadableJobData` as its data) instead of an exception inside
 * BullMQ's fetch loop. Everything else is BullMQ's own: this overrides only
 * the protected `createJob` hook.
 */
import { Worker, type Job, type JobJson } from 'bullmq';
import { UnreadableJobData } from './unreadable-job-data.js';

export class TolerantWorker extends Worker {
  protected override createJob(data: JobJson, jobId: string): Job {
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      const job = super.createJob({ ...data, data: '{}' }, jobId);
      job.data = new UnreadableJobData(String(data.data), error instanceof Error ? error.message : String(error));
      return job;
    }
  }
}
