/**
 * Phase H, "hand glue": BullMQ + MikroORM as a team writes it without nyx,
 * from the same seeded task rows. Per batch of `batchSize` task ids: load the
 * tasks with their state (`populate`), create one run entity per task and
 * flush, then `addBulk` plain objects (the same TaskSpawnContext envelope,
 * built by hand from the entities; job id = run id, the same job options as
 * nyx's relay gives) — after the flush, outside its transaction, as such
 * code usually is (a crash in between leaves runs without jobs: the gap
 * nyx's outbox closes). A worker process with its own MikroORM
 * (hand-glue-worker.ts) writes each result to its run row.
 *
 * Throughput is first spawn → last result written; CPU stops once every
 * job is also completed in BullMQ.
 */
import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { TASK_SPAWN_CONTEXT_SCHEMA, TASK_SPAWN_CONTEXT_VERSION, WORKFLOW_JOB_NAME } from '../../dto/index.js';
import { toBulkJob, type RelayJobOptions } from '../../control-plane/outbox/outbox-relay.js';
import { MotivationalTask } from '../../control-plane/entities/index.js';
import type { RedisConnectionFactory } from '../../shared/redis/connection-factory.js';
import { siblingEntry } from '../demo/worker-pool.js';
import type { PeerPhaseResult, ProgressFn } from './bench-types.js';
import { CpuMeter } from './cpu-usage.js';
import { definePeerRun, openHandGlueOrm } from './hand-glue-entities.js';
import { round } from './latency-stats.js';
import type { PeerSchemas } from './peer-database.js';
import { peerPhaseResult, readPeerRunTimes, waitForFinishedRuns } from './peer-runs.js';
import { readProcessRss } from './process-rss.js';
import type { RedisRoundTripCounter } from './redis-round-trips.js';
import { ForkedWorkerPool } from './raw-worker-pool.js';
import { waitUntil } from './wait-until.js';

const HAND_GLUE_WORKER_ENTRY = siblingEntry('./hand-glue-worker.ts', import.meta.url);
export const HAND_GLUE_QUEUE = 'bench-hand-glue';

export interface HandGluePhaseOptions {
  taskIds: readonly string[];
  batchSize: number;
  workers: number;
  databaseUrl: string;
  databaseName: string;
  schemas: PeerSchemas;
  redis: RedisConnectionFactory;
  prefix: string;
  jobOptions: RelayJobOptions;
  observer: Redis;
  roundTrips: RedisRoundTripCounter;
  workerEnv: NodeJS.ProcessEnv;
  deadline: number;
  progress: ProgressFn;
}

export async function runHandGluePhase(options: HandGluePhaseOptions): Promise<PeerPhaseResult> {
  const { taskIds, batchSize, schemas } = options;
  const PeerRun = definePeerRun(schemas.peers);
  const statements = { n: 0 };
  const orm = await openHandGlueOrm(options.databaseUrl, PeerRun, true, (message) => {
    if (message.includes('[query]')) statements.n += 1;
  });
  const observer = new pg.Client({ connectionString: options.databaseUrl });
  await observer.connect();
  const queue = new Queue(HAND_GLUE_QUEUE, { connection: options.redis.connection('producer'), prefix: options.prefix });
  queue.on('error', () => {});
  let pool: ForkedWorkerPool | null = null;
  try {
    pool = await ForkedWorkerPool.start({
      count: options.workers,
      entry: HAND_GLUE_WORKER_ENTRY,
      args: [HAND_GLUE_QUEUE],
      env: { ...options.workerEnv, NYX_BENCH_PEER_DATABASE_URL: options.databaseUrl, NYX_BENCH_PEER_SCHEMA: schemas.peers },
      label: 'hand-glue peer worker',
    });
    await queue.waitUntilReady();
    const socket = ((await queue.getBackend().client) as unknown as { stream?: net.Socket }).stream;
    const roundTripsBefore = options.roundTrips.forSocket(socket);
    const workerPool = pool;
    const cpu = new CpuMeter(options.observer, () => workerPool.processes.map((child) => child.pid!), options.databaseName);
    await cpu.start();
    const sqlPerBatch: number[] = [];
    const started = Date.now();
    for (let i = 0; i < taskIds.length; i += batchSize) {
      const at = new Date();
      statements.n = 0;
      const em = orm.em.fork();
      const tasks = await em.find(MotivationalTask, { id: { $in: taskIds.slice(i, i + batchSize) } }, { populate: ['motivationalState'] });
      const runs = tasks.map((task) => em.create(PeerRun, { id: randomUUID(), taskId: task.id, status: 'pending', result: null, enqueuedAt: at }));
      await em.flush();
      sqlPerBatch.push(statements.n);
      await queue.addBulk(
        tasks.map((task, index) => {
          const state = task.motivationalState.$;
          const payload = {
            schema: TASK_SPAWN_CONTEXT_SCHEMA,
            v: TASK_SPAWN_CONTEXT_VERSION,
            data: {
              taskId: task.id,
              generatedPrompt: task.generatedPrompt,
              motivationType: state.motivationType,
              intensity: state.intensity,
              priority: task.taskPriority,
              arbitrationScore: task.arbitrationScore,
              createdAt: task.createdAt.toISOString(),
              ...(task.metadata ? { metadata: task.metadata } : {}),
            },
          };
          return toBulkJob({ runId: runs[index]!.id, jobName: WORKFLOW_JOB_NAME, payload, priority: task.taskPriority }, options.jobOptions);
        }),
      );
    }
    const spawned = Date.now();
    const roundTrips = options.roundTrips.forSocket(socket) - roundTripsBefore;
    await waitForFinishedRuns(observer, schemas.peers, taskIds.length, options.deadline, options.progress, `H: ${taskIds.length} results written`);
    const completedKey = `${options.prefix}:${HAND_GLUE_QUEUE}:completed`;
    await waitUntil(options.deadline, 50, async () => (await options.observer.zcard(completedKey)) >= taskIds.length, 'H: every job completed in BullMQ');
    const cpuSeconds = await cpu.stop();
    const rss = pool.processes.map((child) => readProcessRss(child.pid!));
    const times = await readPeerRunTimes(observer, schemas.peers);
    return peerPhaseResult({
      phase: 'H',
      description: 'hand glue: MikroORM find with populate + flush, then BullMQ addBulk; a BullMQ worker with its own MikroORM (findOne, set, flush)',
      jobs: taskIds.length,
      started,
      spawned,
      times,
      cpuSeconds,
      rss,
      sqlPerBatch,
      redisRoundTripsPerBatch: round(roundTrips / Math.ceil(taskIds.length / batchSize)),
    });
  } finally {
    await pool?.stop();
    await queue.close();
    await observer.end();
    await orm.close();
  }
}
