/**
 * Entry of the hand-glue peer's worker process (phase H): a plain BullMQ
 * `Worker` (same connection and worker options as raw-bullmq-worker.ts and
 * nyx's worker) whose processor checks the payload (the same envelope code
 * the nyx worker uses) and writes the result to the run row through a
 * MikroORM of its own: fork the EntityManager, load the run, set its fields,
 * flush.
 *
 * This file may import MikroORM: it is the peer being compared — BullMQ and
 * MikroORM glued together without nyx — not nyx's worker, and src/tools is
 * outside the worker boundary (.dependency-cruiser.cjs).
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { openTaskSpawnEnvelope } from '../../dto/index.js';
import { loadWorkerConfig } from '../../shared/config/config.js';
import { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';
import { definePeerRun, openHandGlueOrm } from './hand-glue-entities.js';

const queue = process.argv[2];
const databaseUrl = process.env.NYX_BENCH_PEER_DATABASE_URL;
const peersSchema = process.env.NYX_BENCH_PEER_SCHEMA;
if (!queue || !databaseUrl || !peersSchema) {
  console.error('usage: hand-glue-worker <queue> (NYX_BENCH_PEER_DATABASE_URL, NYX_BENCH_PEER_SCHEMA)');
  process.exit(2);
}
const config = loadWorkerConfig();
const PeerRun = definePeerRun(peersSchema);
const orm = await openHandGlueOrm(databaseUrl, PeerRun, false);
const redis = new RedisConnectionFactory(config.redisUrl);
const worker = new Worker(
  queue,
  async (job) => {
    const startedAt = new Date();
    const opened = openTaskSpawnEnvelope(job.data);
    if (!opened.ok) throw new UnrecoverableError(opened.reason);
    const em = orm.em.fork();
    const run = await em.findOneOrFail(PeerRun, job.id!);
    run.status = 'completed';
    run.result = { taskId: opened.wire.taskId };
    run.startedAt = startedAt;
    run.finishedAt = new Date();
    await em.flush();
  },
  {
    connection: redis.connection('blocking'),
    prefix: redis.naming(config.queuePrefix).prefix,
    concurrency: config.workerConcurrency,
    stalledInterval: config.stalledIntervalMs,
    lockDuration: config.lockDurationMs,
    maxStalledCount: 2,
  },
);
worker.on('error', (error) => console.error(`hand-glue bench worker: ${error.message}`));
await worker.waitUntilReady();
process.send?.({ type: 'ready', pid: process.pid });

const stop = () => {
  void worker
    .close()
    .then(() => Promise.all([redis.close(), orm.close()]))
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
