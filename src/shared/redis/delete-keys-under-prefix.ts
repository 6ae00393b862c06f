/**
 * Deletes every key under `prefix:` (SCAN + UNLINK, never KEYS), so a demo,
 * a benchmark or a test can clean up after itself in a Redis others use.
 */
import { Redis } from 'ioredis';

export async function deleteKeysUnderPrefix(redisUrl: string, prefix: string): Promise<void> {
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
