/**
 * `nyx bench`: phase A (raw BullMQ), phase B (the full path), then the peers
 * doing B's work from the same task rows — G-default and G-batched
 * (graphile-worker) and H (BullMQ + MikroORM glued by hand) — in one run on
 * the same PostgreSQL and Redis, with the same worker process count, `--repeat`
 * times in alternation; writes the report to bench/out/ and returns it.
 *
 * Leaves nothing behind: the throwaway database is dropped (or, on
 * DATABASE_URL, the rows the bench made are deleted), every key under the
 * bench's Redis prefix is deleted, worker processes are stopped — also when
 * a phase fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Config } from '../../shared/config/config.js';
import { migrateUp, openOrm, type Orm } from '../../control-plane/db/orm.js';
import { seedTasks } from '../demo/seed.js';
import { createLogger } from '../../shared/logging/logger.js';
import { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';
import { openBenchDatabase } from './bench-database.js';
import { describeMachine } from './bench-machine.js';
import { BENCH_MOTIVATION_TYPE } from './bench-payload.js';
import { BenchProgress } from './bench-progress.js';
import { benchPrefix, deleteBenchKeys } from './bench-redis.js';
import { buildBenchReport, type BenchReport, type Repetition, type SkippedPhase } from './bench-report.js';
import { PEER_PHASES, PHASES, type PhaseName } from './bench-types.js';
import { runFullPhase } from './full-path.bench.js';
import { runHandGluePhase } from './hand-glue.bench.js';
import { dropPeerSchemas, installPeerSchema, peerSchemas, resetBetweenPhases } from './peer-database.js';
import { ownRss, type ProcessRss } from './process-rss.js';
import { runRawPhase } from './raw-bullmq.bench.js';
import { RedisRoundTripCounter, redisPort } from './redis-round-trips.js';
import { SqlCounter } from './sql-counter.js';
import { UnsupportedBenchRedisError } from './unsupported-bench-redis-error.js';

export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../../../bench/out/', import.meta.url));

export interface BenchOptions {
  /** Tasks in phase B and the peers, jobs in phase A. @defaultValue 20000 */
  tasks: number;
  /** Worker processes in each phase: one on a 2-core machine, where a second only adds contention (bench/RESULTS.md). @defaultValue 1 */
  workers: number;
  /** Jobs each worker process runs at once (A, B and H; graphile-worker runs with its own, see graphile-settings.ts). @defaultValue 100 */
  concurrency: number;
  /** Task ids per spawn call, jobs per addBulk. @defaultValue 1000 */
  batchSize: number;
  /** Single spawns timed one by one when idle. @defaultValue 50 */
  idleSamples: number;
  /** Give up after this long, in ms. @defaultValue 900000 */
  timeoutMs: number;
  /** Where the JSON report is written. @defaultValue bench/out */
  outDir: string;
  /** Draw progress bars on stderr (only on a terminal). @defaultValue true */
  progress: boolean;
  /** Phases to run, always in the order of PHASES. @defaultValue every phase */
  phases: readonly PhaseName[];
  /** Times the whole sequence of phases runs (alternating); the report gives the median and the spread. @defaultValue 1 */
  repeat: number;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  tasks: 20_000,
  workers: 1,
  concurrency: 100,
  batchSize: 1_000,
  idleSamples: 50,
  timeoutMs: 900_000,
  outDir: DEFAULT_OUT_DIR,
  progress: true,
  phases: PHASES,
  repeat: 1,
};

export async function runBench(config: Config, options: BenchOptions): Promise<{ report: BenchReport; file: string }> {
  const redisUrl = config.redisUrl;
  const redis = new RedisConnectionFactory(redisUrl);
  if (redis.topology.kind !== 'single') throw new UnsupportedBenchRedisError(redis.topology.kind);
  const skipped: SkippedPhase[] = [];
  let phases = PHASES.filter((phase) => options.phases.includes(phase));
  // graphile-worker is a dev dependency: without it (an installed package) the G phases are skipped, and the report says so.
  const graphile = phases.some((phase) => phase.startsWith('G-')) ? await loadGraphileBench() : null;
  if (graphile && !graphile.ok) {
    for (const phase of phases.filter((p) => p.startsWith('G-'))) skipped.push({ phase, reason: graphile.reason });
    phases = phases.filter((p) => !p.startsWith('G-'));
  }
  const graphileBench = graphile?.ok ? graphile.module : null;
  const startedAt = new Date();
  const deadline = startedAt.getTime() + options.timeoutMs;
  const prefix = benchPrefix();
  const log = createLogger('nyx-bench', 'warn');
  const progress = new BenchProgress(options.progress);
  const sql = new SqlCounter();
  const roundTrips = new RedisRoundTripCounter(redisPort(redisUrl));
  const db = await openBenchDatabase(config.databaseUrl);
  const schemas = phases.some((phase) => PEER_PHASES.includes(phase)) ? peerSchemas(prefix) : null;
  let schemasInstalled = false;
  let orm: Orm | null = null;
  const observer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let seeded: string[] = [];
  try {
    orm = await openOrm({ databaseUrl: db.url, onQuery: sql.onQuery });
    await migrateUp(orm);
    const machine = await describeMachine(orm, observer);
    seeded = await seedTasks(orm.em.fork(), { tasks: options.tasks + options.idleSamples, motivationTypes: [BENCH_MOTIVATION_TYPE] });
    if (schemas) {
      schemasInstalled = true;
      await installPeerSchema(db.url, schemas);
      if (graphileBench) await graphileBench.installGraphileSchema(db.url, schemas);
    }
    roundTrips.install();
    const databaseName = new URL(db.url).pathname.slice(1);
    const taskIds = seeded.slice(0, options.tasks);
    const naming = redis.naming(prefix);

    const benchConfig: Config = { ...config, databaseUrl: db.url, queuePrefix: prefix, workerConcurrency: options.concurrency };
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: redisUrl,
      NYX_QUEUE_PREFIX: prefix,
      NYX_WORKER_CONCURRENCY: String(options.concurrency),
      LOG_LEVEL: 'warn',
    };
    const jobOptions = { attempts: config.jobAttempts, backoffMs: config.backoffMs };
    const repetitions: Repetition[] = [];
    let controlPlane: ProcessRss = { pid: process.pid, rssMb: null, peakRssMb: null };
    for (let rep = 0; rep < options.repeat; rep++) {
      const repetition: Repetition = {};
      const label = (phase: string) => (options.repeat > 1 ? `${phase} (${rep + 1}/${options.repeat})` : phase);
      for (const phase of phases) {
        // Each phase starts from the same state: no rows or keys of the one before, fresh statistics.
        await resetBetweenPhases(db.url, schemas, graphileBench !== null, db.throwaway);
        await deleteBenchKeys(redisUrl, prefix);
        if (phase === 'A') {
          repetition.A = await runRawPhase({
            tasks: options.tasks,
            workers: options.workers,
            concurrency: options.concurrency,
            batchSize: options.batchSize,
            redis,
            redisUrl,
            prefix: naming.prefix,
            databaseName,
            jobOptions,
            observer,
            roundTrips,
            workerEnv,
            deadline,
            progress: progress.phase(label('A raw BullMQ')),
          });
        } else if (phase === 'B') {
          repetition.B = await runFullPhase({
            taskIds,
            idleTaskIds: seeded.slice(options.tasks),
            workers: options.workers,
            batchSize: options.batchSize,
            config: benchConfig,
            databaseName,
            redisUrl,
            orm,
            log,
            observer,
            sql,
            roundTrips,
            workerEnv,
            deadline,
            progress: progress.phase(label('B full path')),
            idleProgress: progress.phase(label('B idle single spawns')),
            onLoaded: () => {
              if (rep === 0) controlPlane = ownRss();
            },
          });
        } else if (phase === 'H') {
          repetition.H = await runHandGluePhase({
            taskIds,
            batchSize: options.batchSize,
            workers: options.workers,
            databaseUrl: db.url,
            databaseName,
            schemas: schemas!,
            redis,
            prefix: naming.prefix,
            jobOptions,
            observer,
            roundTrips,
            workerEnv,
            deadline,
            progress: progress.phase(label('H hand glue')),
          });
        } else {
          repetition[phase] = await graphileBench!.runGraphilePhase({
            variant: phase === 'G-batched' ? 'batched' : 'default',
            taskIds,
            batchSize: options.batchSize,
            workers: options.workers,
            databaseUrl: db.url,
            databaseName,
            schemas: schemas!,
            attempts: config.jobAttempts,
            observer,
            workerEnv,
            deadline,
            progress: progress.phase(label(`${phase} graphile`)),
          });
        }
        repetition[phase]!.benchRssMb = ownRss().rssMb;
      }
      repetitions.push(repetition);
    }
    progress.stop();
    const report = buildBenchReport({
      startedAt,
      machine,
      settings: {
        tasks: options.tasks,
        workers: options.workers,
        concurrency: options.concurrency,
        batchSize: options.batchSize,
        relayBatch: config.relayBatch,
        recorderBatch: config.recorderBatch,
        idleSamples: options.idleSamples,
        database: db.throwaway ? 'throwaway' : 'DATABASE_URL',
        databaseName,
        redisPrefix: prefix,
        phases: [...phases],
        repeat: options.repeat,
      },
      repetitions,
      controlPlane,
      skipped,
    });
    mkdirSync(options.outDir, { recursive: true });
    const file = path.join(options.outDir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    return { report, file };
  } finally {
    progress.stop();
    roundTrips.uninstall();
    await deleteBenchKeys(redisUrl, prefix).catch((error: unknown) => log.warn({ err: error, prefix }, 'could not delete the bench keys'));
    observer.disconnect();
    await redis.close();
    if (schemas && schemasInstalled && !db.throwaway) {
      await dropPeerSchemas(db.url, schemas).catch((error: unknown) => log.warn({ err: error, schemas }, 'could not drop the peer schemas'));
    }
    if (orm && !db.throwaway && seeded.length > 0) await deleteBenchRows(orm, seeded);
    await orm?.close();
    await db.drop();
  }
}

type GraphileBench = typeof import('./graphile.bench.js');

/** graphile.bench.ts, or why it cannot load (graphile-worker is a dev dependency). */
async function loadGraphileBench(): Promise<{ ok: true; module: GraphileBench } | { ok: false; reason: string }> {
  try {
    return { ok: true, module: await import('./graphile.bench.js') };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return { ok: false, reason: 'graphile-worker is not installed (a dev dependency of nyx: run the bench from a checkout)' };
  }
}

/** On a database the bench did not create, removes exactly the rows it made. */
async function deleteBenchRows(orm: Orm, taskIds: readonly string[]): Promise<void> {
  const em = orm.em.fork();
  const ids = `{${taskIds.join(',')}}`;
  await em.transactional(async (tx) => {
    const states = await tx.execute<{ id: number }[]>('select distinct motivational_state_id as id from motivational_task where id = any(?::uuid[])', [ids]);
    await tx.execute('delete from workflow_run where task_id = any(?::uuid[])', [ids]);
    await tx.execute('delete from motivational_task where id = any(?::uuid[])', [ids]);
    await tx.execute(
      'delete from motivational_state where id = any(?::int[]) and not exists (select 1 from motivational_task t where t.motivational_state_id = motivational_state.id)',
      [`{${states.map((s) => s.id).join(',')}}`],
    );
  });
}
