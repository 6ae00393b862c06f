/**
 * Phase A, the baseline: plain BullMQ. The bench process adds N jobs with
 * addBulk (in batches of `batchSize`, the same jobs the relay would add:
 * same payload size, options and priorities — see toBulkJob) and worker
 * processes with a no-op processor take them, with the same process count
 * and concurrency as phase B. Timings come from BullMQ's own job fields,
 * read after the phase.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type net from 'node:net';
import { WORKFLOW_JOB_NAME } from '../../dto/index.js';
import { toBulkJob, type RelayJobOptions } from '../../control-plane/outbox/outbox-relay.js';
import type { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';
import { benchPayload } from './bench-payload.js';
import type { PhaseResult, ProgressFn } from './bench-types.js';
import { CpuMeter } from './cpu-usage.js';
import { readJobTimes } from './job-timings.js';
import { latencyStats, round } from './latency-stats.js';
import { readProcessRss } from './process-rss.js';
import type { RedisRoundTripCounter } from './redis-round-trips.js';
import { RawWorkerPool } from './raw-worker-pool.js';
import { waitUntil } from './wait-until.js';

export const RAW_QUEUE = 'bench-raw';

export interface RawPhaseOptions {
  tasks: number;
  workers: number;
  concurrency: number;
  batchSize: number;
  redis: RedisConnectionFactory;
  /** Redis URL handed to the worker processes. */
  redisUrl: string;
  prefix: string;
  /** The bench's database (phase A does not use it: its backends should show no CPU). */
  databaseName: string;
  jobOptions: RelayJobOptions;
  /** A plain connection for progress and for reading job timings afterwards. */
  observer: Redis;
  roundTrips: RedisRoundTripCounter;
  workerEnv: NodeJS.ProcessEnv;
  deadline: number;
  progress: ProgressFn;
}

export async function runRawPhase(options: RawPhaseOptions): Promise<PhaseResult> {
  const { tasks, batchSize, prefix } = options;
  const createdAt = new Date();
  // Built before the clock starts: phase B's payloads are built by spawn, which is on its clock.
  const jobs = Array.from({ length: tasks }, (_, i) => {
    const { envelope, priority } = benchPayload(i, createdAt);
    return toBulkJob({ runId: randomUUID(), jobName: WORKFLOW_JOB_NAME, payload: envelope, priority }, options.jobOptions);
  });
  const pool = await RawWorkerPool.start({ count: options.workers, queue: RAW_QUEUE, env: options.workerEnv });
  const queue = new Queue(RAW_QUEUE, { connection: options.redis.connection('producer'), prefix });
  queue.on('error', () => {});
  try {
    await queue.waitUntilReady();
    const socket = ((await queue.getBackend().client) as unknown as { stream?: net.Socket }).stream;
    const before = options.roundTrips.forSocket(socket);

    const cpu = new CpuMeter(options.observer, () => pool.processes.map((child) => child.pid!), options.databaseName);
    await cpu.start();
    const started = Date.now();
    for (let i = 0; i < tasks; i += batchSize) await queue.addBulk(jobs.slice(i, i + batchSize));
    const added = Date.now();
    const roundTrips = options.roundTrips.forSocket(socket) - before;

    const completedKey = `${prefix}:${RAW_QUEUE}:completed`;
    await waitUntil(
      options.deadline,
      100,
      async () => {
        const done = await options.observer.zcard(completedKey);
        options.progress(done, tasks);
        return done >= tasks;
      },
      `raw BullMQ: ${tasks} jobs completed`,
    );
    const cpuSeconds = await cpu.stop();

    const rss = pool.processes.map((child) => readProcessRss(child.pid!));
    const times = (
      await readJobTimes(
        options.observer,
        prefix,
        RAW_QUEUE,
        jobs.map((job) => job.opts.jobId!),
      )
    ).filter((t) => Number.isFinite(t.finishedOn));
    const finished = times.reduce((max, t) => Math.max(max, t.finishedOn), 0);
    const durationMs = finished - started;
    return {
      jobs: tasks,
      completed: times.length,
      durationMs,
      jobsPerSec: round((times.length / durationMs) * 1000, 0),
      producerPerSec: round((tasks / Math.max(1, added - started)) * 1000, 0),
      spawnToStartMs: latencyStats(times.map((t) => t.processedOn - t.timestamp)),
      spawnToRecordedMs: latencyStats(times.map((t) => t.finishedOn - t.timestamp)),
      redisRoundTripsPerBatch: round(roundTrips / Math.ceil(tasks / batchSize)),
      cpuSeconds,
      workerRssMb: maxOf(rss.map((r) => r.rssMb)),
      workerPeakRssMb: maxOf(rss.map((r) => r.peakRssMb)),
    };
  } finally {
    await pool.stop();
    await queue.close();
  }
}

export function maxOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}
