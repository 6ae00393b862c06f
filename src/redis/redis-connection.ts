/**
 * BullMQ connection options for one role. Workers and the recorder block on
 * Redis and must retry forever (`maxRetriesPerRequest: null`, as BullMQ
 * requires for workers). The relay's queue instead fails fast when Redis is
 * away (`enableOfflineQueue: false`), so its transaction rolls back and the
 * rows wait in the outbox instead of piling up in process memory.
 */
import type { ConnectionOptions } from 'bullmq';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function workerConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: null, enableAutoPipelining: true };
}

export function producerConnection(redisUrl: string): ConnectionOptions {
  return {
    url: redisUrl,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    // Keep reconnecting in the background; each relay attempt fails fast meanwhile.
    retryStrategy: (times: number) => Math.min(100 * 2 ** times, 2_000),
  };
}
