/**
 * Redis for tests. The shared server (127.0.0.1:6379) with a unique key
 * prefix per test, deleted afterwards; tests that stop or restart Redis use a
 * private `redis-server` they start on a free port instead.
 */
import { randomUUID } from 'node:crypto';
import { deleteKeysUnderPrefix } from '../../src/shared/redis/delete-keys-under-prefix.js';

export const SHARED_REDIS_URL = process.env.NYX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 'test'): string {
  return `nyx-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under the prefix. */
export const deletePrefix = deleteKeysUnderPrefix;
