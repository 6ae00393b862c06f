/**
 * `nyx bench --stages`: each control-plane stage alone, on a quiet system,
 * so a change to one of them shows in its own numbers (bench/RESULTS.md
 * quotes them before and after each optimisation):
 * - spawn: N tasks in batches, relay stopped (tasks/s, CPU of this process
 *   and of PostgreSQL);
 * - relay: the N outbox rows just written, moved to BullMQ with no worker;
 * - recorder: N result jobs, written to the results queue beforehand the way
 *   worker processes report them, recorded into workflow_run.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../../shared/config/config.js';
import { ControlPlane } from '../../control-plane/control-plane.js';
import { migrateUp, openOrm, type Orm } from '../../control-plane/db/orm.js';
import { seedTasks } from '../demo/seed.js';
import { wrapWorkflowOutcomeBatch } from '../../dto/index.js';
import { RESULT_BATCH_MAX, RESULT_JOB_NAME } from '../../workers/outcome-reporter.js';
import { createLogger } from '../../shared/logging/logger.js';
import { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';
import { openBenchDatabase } from './bench-database.js';
import { BENCH_MOTIVATION_TYPE } from './bench-payload.js';
import { benchPrefix, deleteBenchKeys } from './bench-redis.js';
import { CpuMeter, type CpuSeconds } from './cpu-usage.js';
import { round } from './latency-stats.js';
import { RecordedTracker } from './recorded-tracker.js';
import { UnsupportedBenchRedisError } from './unsupported-bench-redis-error.js';
import { waitUntil } from './wait-until.js';

export interface StageResult {
  items: number;
  durationMs: number;
  perSec: number;
  cpuSeconds: CpuSeconds;
}

export interface StageReport {
  startedAt: string;
  tasks: number;
  batchSize: number;
  spawn: StageResult;
  relay: StageResult;
  recorder: StageResult;
}

async function timed(observer: Redis, database: string, items: number, work: () => Promise<void>): Promise<StageResult> {
  const cpu = new CpuMeter(observer, () => [], database);
  await cpu.start();
  const started = performance.now();
  await work();
  const durationMs = performance.now() - started;
  return { items, durationMs: Math.round(durationMs), perSec: round((items / durationMs) * 1000, 0), cpuSeconds: await cpu.stop() };
}

export async function runStageBench(config: Config, options: { tasks: number; batchSize: number; timeoutMs: number }): Promise<StageReport> {
  const redisUrl = config.redisUrl;
  if (new RedisConnectionFactory(redisUrl).topology.kind !== 'single') throw new UnsupportedBenchRedisError('cluster or sentinel');
  const deadline = Date.now() + options.timeoutMs;
  const prefix = benchPrefix();
  const db = await openBenchDatabase(config.databaseUrl);
  const observer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let orm: Orm | null = null;
  let cp: ControlPlane | null = null;
  try {
    const databaseName = new URL(db.url).pathname.slice(1);
    orm = await openOrm({ databaseUrl: db.url });
    await migrateUp(orm);
    const taskIds = await seedTasks(orm.em.fork(), { tasks: options.tasks, motivationTypes: [BENCH_MOTIVATION_TYPE] });
    const tracker = new RecordedTracker();
    const benchConfig: Config = { ...config, databaseUrl: db.url, queuePrefix: prefix };
    // Nothing started: each stage is started by hand, alone.
    cp = await ControlPlane.open({ config: benchConfig, redisUrl, log: createLogger('nyx-bench', 'warn'), orm, onRecorded: tracker.onRecorded });
    const controlPlane = cp;
    const runs: { runId: string; taskId: string }[] = [];

    const spawn = await timed(observer, databaseName, options.tasks, async () => {
      for (let i = 0; i < taskIds.length; i += options.batchSize) runs.push(...(await controlPlane.spawn(taskIds.slice(i, i + options.batchSize))));
    });

    const relay = await timed(observer, databaseName, options.tasks, async () => {
      await controlPlane.start({ relay: true, recorder: false });
      await waitUntil(deadline, 10, async () => (await controlPlane.outboxLag()).pending === 0, 'the relay to empty the outbox');
      await controlPlane.stopRelay();
    });

    const results = new Queue(cp.naming.resultsQueue, { connection: { url: redisUrl }, prefix: cp.naming.prefix });
    try {
      const at = new Date().toISOString();
      const outcomes = runs.map((run) => ({
        kind: 'completed' as const,
        runId: run.runId,
        taskId: run.taskId,
        workflow: 'noop',
        attempt: 1,
        startedAt: at,
        finishedAt: at,
        output: { taskId: run.taskId },
      }));
      // As src/workers/outcome-reporter.ts adds them under load: full batches.
      const jobs = [];
      for (let i = 0; i < outcomes.length; i += RESULT_BATCH_MAX) {
        jobs.push({
          name: RESULT_JOB_NAME,
          data: wrapWorkflowOutcomeBatch(outcomes.slice(i, i + RESULT_BATCH_MAX)),
          opts: { removeOnComplete: { age: 3_600 } },
        });
      }
      await results.addBulk(jobs);
    } finally {
      await results.close();
    }
    const recorder = await timed(observer, databaseName, options.tasks, async () => {
      await controlPlane.start({ relay: false, recorder: true });
      await tracker.waitForCount(options.tasks, Math.max(0, deadline - Date.now()), () => {});
    });
    return { startedAt: new Date().toISOString(), tasks: options.tasks, batchSize: options.batchSize, spawn, relay, recorder };
  } finally {
    await cp?.close();
    await deleteBenchKeys(redisUrl, prefix);
    observer.disconnect();
    await orm?.close();
    await db.drop();
  }
}

export function formatStageReport(report: StageReport): string {
  const cpu = (c: CpuSeconds) => `this process ${c.controlPlane} s, PostgreSQL ${c.postgres ?? 'n/a'} s, Redis ${c.redis ?? 'n/a'} s`;
  return [
    `stages alone, ${report.tasks} tasks, spawn batches of ${report.batchSize}:`,
    ...(['spawn', 'relay', 'recorder'] as const).map(
      (name) =>
        `  ${name.padEnd(9)} ${String(report[name].perSec).padStart(7)}/s  ${String(report[name].durationMs).padStart(6)} ms  CPU: ${cpu(report[name].cpuSeconds)}`,
    ),
  ].join('\n');
}
