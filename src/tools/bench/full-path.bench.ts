/**
 * Phase B, the whole path: N MotivationalTask rows → ControlPlane.spawn in
 * batches (fork, populate, extract, validate, runs + outbox in one
 * transaction) → relay → real worker processes (src/workers/main.ts) running
 * the built-in `noop` workflow → results queue → recorder → workflow_run.
 *
 * Clocks: "spawn" is taken just before each spawn call (its runs'
 * enqueued_at is set inside it); "start" is BullMQ's processedOn of the run's
 * job; "recorded" is when the recorder's UPDATE committed (RecordedTracker).
 * Then, with everything idle, single tasks are spawned one at a time inside
 * a transaction of their own, so only LISTEN/NOTIFY wakes the relay.
 */
import type net from 'node:net';
import type { Redis } from 'ioredis';
import type { Config } from '../../shared/config/config.js';
import { ControlPlane } from '../../control-plane/control-plane.js';
import { countRunsByStatus } from '../../control-plane/run-stats-sql.js';
import type { Orm } from '../../control-plane/db/orm.js';
import { WorkerPool } from '../demo/worker-pool.js';
import type { Logger } from '../../shared/logging/logger.js';
import { BENCH_MOTIVATION_TYPE } from './bench-payload.js';
import type { FullPhaseResult, IdleLatency, ProgressFn, ReconcileCost } from './bench-types.js';
import { CpuMeter } from './cpu-usage.js';
import { readJobTimes } from './job-timings.js';
import { latencyStats, round } from './latency-stats.js';
import { readProcessRss } from './process-rss.js';
import { maxOf } from './raw-bullmq.bench.js';
import { RecordedTracker } from './recorded-tracker.js';
import type { RedisRoundTripCounter } from './redis-round-trips.js';
import type { SqlCounter } from './sql-counter.js';

export interface FullPhaseOptions {
  /** Seeded task ids for the throughput part. */
  taskIds: readonly string[];
  /** Seeded task ids for the idle single-spawn part (one per sample). */
  idleTaskIds: readonly string[];
  workers: number;
  batchSize: number;
  config: Config;
  /** Its backends' CPU is counted (see cpu-usage.ts). */
  databaseName: string;
  redisUrl: string;
  orm: Orm;
  log: Logger;
  observer: Redis;
  sql: SqlCounter;
  roundTrips: RedisRoundTripCounter;
  workerEnv: NodeJS.ProcessEnv;
  deadline: number;
  progress: ProgressFn;
  idleProgress: ProgressFn;
  /** Called at the end of the throughput part, while everything is still up (RSS readings). */
  onLoaded?: () => void;
}

export async function runFullPhase(options: FullPhaseOptions): Promise<FullPhaseResult> {
  const { taskIds, batchSize, config } = options;
  const tracker = new RecordedTracker();
  const cp = await ControlPlane.open({ config, redisUrl: options.redisUrl, log: options.log, orm: options.orm, onRecorded: tracker.onRecorded });
  let pool: WorkerPool | null = null;
  try {
    await cp.start();
    pool = await WorkerPool.start({ count: options.workers, env: options.workerEnv });
    const queueName = cp.naming.workflowQueue(BENCH_MOTIVATION_TYPE);
    const relayQueue = cp.queue(queueName);
    await relayQueue.waitUntilReady();
    const relaySocket = ((await relayQueue.getBackend().client) as unknown as { stream?: net.Socket }).stream;
    const relayBefore = options.roundTrips.forSocket(relaySocket);
    const totalBefore = options.roundTrips.total;

    const cpu = new CpuMeter(options.observer, () => pool!.processes.map((child) => child.pid!), options.databaseName);
    await cpu.start();
    const spawnedAt = new Map<string, number>();
    const sqlPerBatch: number[] = [];
    const started = Date.now();
    for (let i = 0; i < taskIds.length; i += batchSize) {
      const at = Date.now();
      const { result: runs, statements } = await options.sql.measure(() => cp.spawn(taskIds.slice(i, i + batchSize)));
      sqlPerBatch.push(statements);
      for (const run of runs) spawnedAt.set(run.runId, at);
    }
    const spawned = Date.now();
    // Under load: every run spawned so far and not yet recorded is looked up, no grace.
    const underLoad = await measureReconcile(cp, options.sql);
    await tracker.waitForCount(taskIds.length, Math.max(0, options.deadline - Date.now()), (done) => options.progress(done, taskIds.length));
    const cpuSeconds = await cpu.stop();
    const batches = sqlPerBatch.length;
    const recorderBatches = [...tracker.batchSizes];
    const relayRoundTrips = options.roundTrips.forSocket(relaySocket) - relayBefore;
    const allRoundTrips = options.roundTrips.total - totalBefore;
    const rss = pool.processes.map((child) => readProcessRss(child.pid!));
    options.onLoaded?.();

    const runIds = [...spawnedAt.keys()];
    const recorded = runIds.map((id) => tracker.recordedAt.get(id)!);
    const finished = recorded.reduce((max, at) => Math.max(max, at), 0);
    const durationMs = finished - started;
    const times = await readJobTimes(options.observer, cp.naming.prefix, queueName, runIds);
    const statuses = await countRunsByStatus(cp.em(), runIds);

    const idle = await measureIdle(cp, tracker, options, queueName);
    const reconcileIdle = await measureReconcile(cp, options.sql);
    return {
      reconciler: { underLoad, idle: reconcileIdle },
      jobs: taskIds.length,
      completed: statuses.completed,
      durationMs,
      jobsPerSec: round((statuses.completed / durationMs) * 1000, 0),
      producerPerSec: round((taskIds.length / Math.max(1, spawned - started)) * 1000, 0),
      spawnToStartMs: latencyStats(times.map((t) => t.processedOn - spawnedAt.get(t.id)!)),
      spawnToRecordedMs: latencyStats(runIds.map((id, i) => recorded[i]! - spawnedAt.get(id)!)),
      spawnToRelayedMs: latencyStats(times.map((t) => t.timestamp - spawnedAt.get(t.id)!)),
      finishedToRecordedMs: latencyStats(times.filter((t) => Number.isFinite(t.finishedOn)).map((t) => tracker.recordedAt.get(t.id)! - t.finishedOn)),
      recorderBatch: {
        commits: recorderBatches.length,
        mean: round(recorderBatches.reduce((a, b) => a + b, 0) / Math.max(1, recorderBatches.length), 1),
        max: Math.max(0, ...recorderBatches),
      },
      redisRoundTripsPerBatch: round(relayRoundTrips / batches),
      recorderRoundTripsPerBatch: round((allRoundTrips - relayRoundTrips) / batches),
      cpuSeconds,
      sqlPerBatch: round(sqlPerBatch.reduce((a, b) => a + b, 0) / batches),
      sqlPerBatchMin: Math.min(...sqlPerBatch),
      sqlPerBatchMax: Math.max(...sqlPerBatch),
      workerRssMb: maxOf(rss.map((r) => r.rssMb)),
      workerPeakRssMb: maxOf(rss.map((r) => r.peakRssMb)),
      statuses: { ...statuses },
      idle,
    };
  } finally {
    await pool?.stop();
    await cp.close();
  }
}

/** One reconciler pass over every run in Redis per PostgreSQL (sent before now: no grace). */
async function measureReconcile(cp: ControlPlane, sql: FullPhaseOptions['sql']): Promise<ReconcileCost> {
  const { result: pass, statements } = await sql.measure(() => cp.reconcileNow({ sentBefore: new Date() }));
  return { checked: pass.checked, resent: pass.resent, statements, redisRoundTrips: pass.redisRoundTrips, durationMs: pass.durationMs };
}

/** Single spawns with nothing else going on: the latency a lone request sees. */
async function measureIdle(cp: ControlPlane, tracker: RecordedTracker, options: FullPhaseOptions, queueName: string): Promise<IdleLatency> {
  const toStart: number[] = [];
  const toRecorded: number[] = [];
  let sqlPerSpawn = 0;
  for (const [index, taskId] of options.idleTaskIds.entries()) {
    // Let the relay go back to sleep on its poll interval, so NOTIFY is what wakes it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const at = Date.now();
    const { result: runs, statements } = await options.sql.measure(() => cp.em().transactional((em) => cp.spawn([taskId], { em })));
    sqlPerSpawn = statements;
    const runId = runs[0]!.runId;
    const recordedAt = await tracker.waitFor(runId, Math.max(1_000, options.deadline - Date.now()));
    const [times] = await readJobTimes(options.observer, cp.naming.prefix, queueName, [runId]);
    if (times) toStart.push(times.processedOn - at);
    toRecorded.push(recordedAt - at);
    options.idleProgress(index + 1, options.idleTaskIds.length);
  }
  return {
    samples: toRecorded.length,
    spawnToStartMs: latencyStats(toStart),
    spawnToRecordedMs: latencyStats(toRecorded),
    sqlPerSpawn,
  };
}
