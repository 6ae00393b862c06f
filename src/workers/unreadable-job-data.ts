/**
 * Stands in for a job's data when Redis holds something that is not JSON
 * (a job hash written by hand, a truncated write). BullMQ parses job data
 * before the processor runs and, when that throws, leaves the job active
 * with nobody working on it: it stalls, comes back, throws again — forever.
 * `TolerantWorker` puts this marker in its place instead, so the processor
 * can refuse the job like any other unreadable payload: dead-letter queue,
 * no retries.
 */
export class UnreadableJobData {
  constructor(
    /** The raw text of the `data` field, as found in Redis. */
    readonly raw: string,
    /** Why it could not be parsed. */
    readonly problem: string,
  ) {}
}
