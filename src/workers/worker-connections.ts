/**
 * Redis options for a worker process. Kept here rather than shared with the
 * control plane's src/redis so that this folder stays self-contained.
 * The worker's blocking connection retries forever (BullMQ requires
 * `maxRetriesPerRequest: null`); reports to the results and dead-letter
 * queues queue up while Redis is briefly away rather than fail the job.
 */
import type { ConnectionOptions } from 'bullmq';

export function workerConnectionFor(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: null };
}

export function producerConnectionForWorker(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: null, enableAutoPipelining: true };
}
