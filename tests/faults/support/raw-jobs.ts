/**
 * Writing jobs the way no producer of ours would: straight into Redis with a
 * raw client, as a deploy of old code, a bug elsewhere or someone with access
 * to Redis might. A BullMQ job is a hash `<prefix>:<queue>:<id>` plus its id
 * in the wait list and a marker that wakes blocked workers.
 */
import { Redis } from 'ioredis';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { claimOutboxBatch, markDispatched, type OutboxRow } from '../../../src/control-plane/outbox/outbox-sql.js';

export interface RawJobFields {
  /** The `data` field as stored: any string, or absent. */
  data?: string;
  name?: string;
  /** Stored options (JSON). @defaultValue `{"attempts":3}` */
  opts?: string;
  /** More hash fields (e.g. `stc`, `defa`, `ats`). */
  extra?: Record<string, string>;
}

export async function injectRawJob(redisUrl: string, prefix: string, queue: string, id: string, fields: RawJobFields): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const key = `${prefix}:${queue}`;
    const hash: Record<string, string> = {
      name: fields.name ?? 'spawn',
      opts: fields.opts ?? '{"attempts":3}',
      timestamp: String(Date.now()),
      delay: '0',
      priority: '0',
      ...fields.extra,
    };
    if (fields.data !== undefined) hash.data = fields.data;
    await redis.multi().hset(`${key}:${id}`, hash).rpush(`${key}:wait`, id).zadd(`${key}:marker`, 0, '0').exec();
  } finally {
    redis.disconnect();
  }
}

/**
 * Claims every outbox row and marks it dispatched (runs become `queued`)
 * without sending anything to Redis: the test then writes the jobs itself.
 */
export async function dispatchByHand(em: SqlEntityManager): Promise<OutboxRow[]> {
  return em.transactional(async (tx) => {
    const rows = await claimOutboxBatch(tx, 10_000);
    if (rows.length > 0) await markDispatched(tx, rows, new Date());
    return rows;
  });
}
