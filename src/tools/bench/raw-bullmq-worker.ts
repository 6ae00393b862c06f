/**
 * Entry of a raw BullMQ worker process for the baseline (phase A): a plain
 * `Worker` with a no-op processor and the same connection and worker options
 * as a real nyx worker (src/workers/worker-process.ts), so the difference the
 * bench shows is the orchestrator and not a setting. Forked by
 * raw-worker-pool.ts with the queue name as its argument; Redis, prefix and
 * concurrency come from the usual worker variables.
 */
import { Worker } from 'bullmq';
import { loadWorkerConfig } from '../../shared/config/config.js';
import { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';

const queue = process.argv[2];
if (!queue) {
  console.error('usage: raw-bullmq-worker <queue>');
  process.exit(2);
}
const config = loadWorkerConfig();
const redis = new RedisConnectionFactory(config.redisUrl);
const worker = new Worker(queue, async () => undefined, {
  connection: redis.connection('blocking'),
  prefix: redis.naming(config.queuePrefix).prefix,
  concurrency: config.workerConcurrency,
  stalledInterval: config.stalledIntervalMs,
  lockDuration: config.lockDurationMs,
  maxStalledCount: 2,
});
worker.on('error', (error) => console.error(`raw bench worker: ${error.message}`));
await worker.waitUntilReady();
process.send?.({ type: 'ready', pid: process.pid });

const stop = () => {
  void worker
    .close()
    .then(() => redis.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
