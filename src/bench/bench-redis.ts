/**
 * The benchmark's Redis: REDIS_URL or 127.0.0.1:6379, under a key prefix of
 * its own, every key of which is deleted afterwards — so a bench can run
 * against a Redis that others use.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export function benchPrefix(): string {
  return `nyx-bench-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix:` (SCAN, never KEYS). */
export async function deleteBenchKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
