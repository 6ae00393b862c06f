/**
 * Reads BullMQ's own timestamps of finished jobs straight from their hashes,
 * after a phase ended, so reading them costs the measured run nothing:
 * `timestamp` (set by the producer when it added the job), `processedOn`
 * (set by the worker's moveToActive when it took the job) and `finishedOn`
 * (set when the job was marked completed). Needs completed jobs to be kept
 * (removeOnComplete by age, as the relay's options do).
 */
import type { Redis } from 'ioredis';

export interface JobTimes {
  id: string;
  timestamp: number;
  processedOn: number;
  /** NaN while BullMQ has not marked the job finished yet (a nyx worker reports its result just before that). */
  finishedOn: number;
}

const CHUNK = 1_000;

/** Jobs never taken (or removed) are left out; compare the count with what you expected. */
export async function readJobTimes(redis: Redis, prefix: string, queue: string, jobIds: readonly string[]): Promise<JobTimes[]> {
  const times: JobTimes[] = [];
  for (let i = 0; i < jobIds.length; i += CHUNK) {
    const ids = jobIds.slice(i, i + CHUNK);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hmget(`${prefix}:${queue}:${id}`, 'timestamp', 'processedOn', 'finishedOn');
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, fields], index) => {
      if (error) throw error;
      const [timestamp, processedOn, finishedOn] = (fields as (string | null)[]).map((v) => (v === null ? NaN : Number(v)));
      if (!Number.isFinite(timestamp) || !Number.isFinite(processedOn)) return;
      times.push({ id: ids[index]!, timestamp: timestamp!, processedOn: processedOn!, finishedOn: finishedOn! });
    });
  }
  return times;
}
