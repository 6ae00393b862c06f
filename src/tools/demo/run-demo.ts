/**
 * `npm run demo`: the whole path on one machine with nothing to set up.
 * Embedded PGlite unless DATABASE_URL; Redis from ensureRedis. Seeds tasks,
 * starts the control plane and N worker processes, spawns every task, shows
 * progress, and prints a summary (and with --json, one JSON line last).
 */
import { SingleBar, Presets } from 'cli-progress';
import { terminalTable } from '../../cli/terminal-table.js';
import type { Config } from '../../shared/config/config.js';
import { ControlPlane } from '../../control-plane/control-plane.js';
import { countRunsByStatus, spawnToFinishLatency, topFailureReasons } from '../../control-plane/run-stats-sql.js';
import { migrateUp, openOrm } from '../../control-plane/db/orm.js';
import { DEAD_LETTER_QUEUE, RESULTS_QUEUE, WORKFLOW_QUEUE } from '../../dto/index.js';
import { createLogger } from '../../shared/logging/logger.js';
import { ensureRedis } from './ensure-redis.js';
import { seedTasks } from './seed.js';
import { WorkerPool } from './worker-pool.js';

export interface DemoOptions {
  tasks: number;
  workers: number;
  json: boolean;
  /** Give up waiting after this long, in ms. @defaultValue 600000 */
  timeoutMs?: number;
}

export interface DemoSummary {
  tasks: number;
  completed: number;
  failed: number;
  dead: number;
  unfinished: number;
  durationMs: number;
  throughputPerSec: number;
  spawnToFinishMs: { p50: number; p99: number };
  database: 'postgresql' | 'pglite';
  redis: string;
  workers: number;
  /** Most frequent errors among failed and dead runs. */
  failureReasons: { error: string; runs: number }[];
}

export async function runDemo(config: Config, options: DemoOptions): Promise<DemoSummary> {
  const log = createLogger('nyx-demo', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const redis = await ensureRedis(config.redisUrlSet ? config.redisUrl : undefined);
  const prefix = `${config.queuePrefix}-demo-${Date.now().toString(36)}`;
  const orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
  let pool: WorkerPool | null = null;
  let controlPlane: ControlPlane | null = null;
  try {
    await migrateUp(orm);
    const taskIds = await seedTasks(orm.em.fork(), { tasks: options.tasks });
    controlPlane = await ControlPlane.open({ config: { ...config, queuePrefix: prefix }, redisUrl: redis.url, log, orm });
    await controlPlane.start();
    pool = await WorkerPool.start({
      count: options.workers,
      env: { ...process.env, REDIS_URL: redis.url, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    });

    const started = Date.now();
    const runs = await controlPlane.spawn(taskIds);
    const runIds = runs.map((r) => r.runId);
    const bar = options.json
      ? null
      : new SingleBar({ format: 'runs {bar} {value}/{total} finished | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
    bar?.start(runIds.length, 0);
    const deadline = started + (options.timeoutMs ?? 600_000);
    let counts = await countRunsByStatus(controlPlane.em());
    for (;;) {
      const finished = counts.completed + counts.failed + counts.dead;
      bar?.update(finished);
      if (finished >= runIds.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
      counts = await countRunsByStatus(controlPlane.em());
    }
    bar?.stop();
    const durationMs = Date.now() - started;
    const latency = await spawnToFinishLatency(controlPlane.em());
    const finished = counts.completed + counts.failed + counts.dead;
    return {
      tasks: taskIds.length,
      completed: counts.completed,
      failed: counts.failed,
      dead: counts.dead,
      unfinished: runIds.length - finished,
      durationMs,
      throughputPerSec: Math.round((counts.completed / durationMs) * 1000),
      spawnToFinishMs: { p50: Math.round(latency.p50), p99: Math.round(latency.p99) },
      database: config.databaseUrl ? 'postgresql' : 'pglite',
      redis: redis.private ? `${redis.url} (private redis-server)` : redis.url,
      workers: options.workers,
      failureReasons: await topFailureReasons(controlPlane.em()),
    };
  } finally {
    await pool?.stop();
    // The demo's queues live under their own prefix; leave nothing behind in a shared Redis.
    if (controlPlane && !redis.private) {
      for (const name of [WORKFLOW_QUEUE, RESULTS_QUEUE, DEAD_LETTER_QUEUE]) {
        await controlPlane
          .queue(name)
          .obliterate({ force: true })
          .catch(() => {});
      }
    }
    await controlPlane?.close();
    await orm.close();
    await redis.stop();
  }
}

export function formatDemoSummary(summary: DemoSummary): string {
  const table = terminalTable(['tasks', 'completed', 'failed', 'dead', 'unfinished', 'duration', 'throughput', 'p50', 'p99']);
  table.push([
    summary.tasks,
    summary.completed,
    summary.failed,
    summary.dead,
    summary.unfinished,
    `${(summary.durationMs / 1000).toFixed(2)} s`,
    `${summary.throughputPerSec} runs/s`,
    `${summary.spawnToFinishMs.p50} ms`,
    `${summary.spawnToFinishMs.p99} ms`,
  ]);
  const reasons = summary.failureReasons.map((r) => `  ${r.runs} × ${r.error}`).join('\n');
  return `${table.toString()}\n${reasons ? `not completed, most common errors:\n${reasons}\n` : ''}${summary.database}, ${summary.redis}, ${summary.workers} worker processes (p50/p99: spawn to finish)`;
}
