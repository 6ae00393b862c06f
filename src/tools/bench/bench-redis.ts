/**
 * The benchmark's Redis: REDIS_URL or 127.0.0.1:6379, under a key prefix of
 * its own, every key of which is deleted afterwards — so a bench can run
 * against a Redis that others use.
 */
import { randomUUID } from 'node:crypto';
import { deleteKeysUnderPrefix } from '../../shared/redis/delete-keys-under-prefix.js';

export function benchPrefix(): string {
  return `nyx-bench-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key of the bench's prefix. */
export const deleteBenchKeys = deleteKeysUnderPrefix;
