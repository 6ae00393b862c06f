/**
 * Phases G-default and G-batched: graphile-worker doing B's end-to-end work
 * from the same seeded task rows. Per batch of `batchSize` task ids, one
 * transaction on one connection selects the tasks joined with their states,
 * builds each run's TaskSpawnContext envelope (the same wrap nyx's spawn
 * uses), inserts the run rows into peer_run and enqueues one job per run
 * with `graphile_worker.add_jobs(…)` — job key = run id — so the jobs commit
 * with their runs (WorkerUtils.addJobs cannot join a caller's transaction).
 * A forked worker process (graphile-peer-worker.ts) checks each payload and
 * writes the result back to the run row.
 *
 * Throughput is first spawn → last result written. CPU is counted until the
 * last job is also gone from graphile-worker's queue (its completion is part
 * of the work), for the bench process (the producer), the worker process,
 * Redis (idle here: it should read about 0) and the bench database's
 * PostgreSQL backends.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import { wrapTaskSpawnContext, type TaskSpawnContext } from '../../dto/index.js';
import { siblingEntry } from '../demo/worker-pool.js';
import type { PeerPhaseResult, ProgressFn } from './bench-types.js';
import { CpuMeter } from './cpu-usage.js';
import { quietGraphileLogger } from './graphile-logger.js';
import { describeGraphile, GRAPHILE_TASK, type GraphileVariant } from './graphile-settings.js';
import type { PeerSchemas } from './peer-database.js';
import { countingQuery, peerPhaseResult, readPeerRunTimes, waitForFinishedRuns } from './peer-runs.js';
import { readProcessRss } from './process-rss.js';
import { ForkedWorkerPool } from './raw-worker-pool.js';
import { waitUntil } from './wait-until.js';

const GRAPHILE_WORKER_ENTRY = siblingEntry('./graphile-peer-worker.ts', import.meta.url);

export interface GraphilePhaseOptions {
  variant: GraphileVariant;
  taskIds: readonly string[];
  batchSize: number;
  workers: number;
  databaseUrl: string;
  databaseName: string;
  schemas: PeerSchemas;
  /** max_attempts of each job, as nyx's jobs get. */
  attempts: number;
  observer: Redis;
  workerEnv: NodeJS.ProcessEnv;
  deadline: number;
  progress: ProgressFn;
}

interface TaskRow {
  id: string;
  generated_prompt: string;
  task_priority: number;
  arbitration_score: number;
  metadata: TaskSpawnContext['metadata'] | null;
  created_at: Date;
  motivation_type: string;
  intensity: number;
}

const SELECT_TASKS =
  'select t.id, t.generated_prompt, t.task_priority, t.arbitration_score, t.metadata, t.created_at, s.motivation_type, s.intensity ' +
  'from motivational_task t join motivational_state s on s.id = t.motivational_state_id where t.id = any($1::uuid[])';

/** graphile-worker's own schema in the bench's database, installed by its own migrations. */
export async function installGraphileSchema(databaseUrl: string, schemas: PeerSchemas): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, schema: schemas.graphile, logger: quietGraphileLogger });
}

export async function runGraphilePhase(options: GraphilePhaseOptions): Promise<PeerPhaseResult> {
  const { taskIds, batchSize, schemas } = options;
  const phase = options.variant === 'batched' ? 'G-batched' : 'G-default';
  const insertRuns =
    `insert into "${schemas.peers}".peer_run (id, task_id, enqueued_at) ` + 'select r.id, r.task_id, $2 from json_to_recordset($1) as r(id uuid, task_id uuid)';
  const addJobs =
    `select "${schemas.graphile}".add_jobs(array(select row($2::text, r.payload, null::text, null::timestamptz, $3::int, r.id, r.priority, null::text[])::"${schemas.graphile}".job_spec ` +
    'from json_to_recordset($1) as r(id text, payload json, priority int)))';
  const producer = new pg.Client({ connectionString: options.databaseUrl });
  const observer = new pg.Client({ connectionString: options.databaseUrl });
  await producer.connect();
  await observer.connect();
  let pool: ForkedWorkerPool | null = null;
  try {
    pool = await ForkedWorkerPool.start({
      count: options.workers,
      entry: GRAPHILE_WORKER_ENTRY,
      args: [options.variant],
      env: {
        ...options.workerEnv,
        NYX_BENCH_PEER_DATABASE_URL: options.databaseUrl,
        NYX_BENCH_PEER_SCHEMA: schemas.peers,
        NYX_BENCH_PEER_GRAPHILE_SCHEMA: schemas.graphile,
      },
      label: `graphile-worker peer (${options.variant})`,
    });
    const workerPool = pool;
    const cpu = new CpuMeter(options.observer, () => workerPool.processes.map((child) => child.pid!), options.databaseName);
    const counted = countingQuery(producer);
    await cpu.start();
    const sqlPerBatch: number[] = [];
    const started = Date.now();
    for (let i = 0; i < taskIds.length; i += batchSize) {
      const at = new Date();
      await counted.query('begin');
      try {
        const { rows } = await counted.query(SELECT_TASKS, [taskIds.slice(i, i + batchSize)]);
        const runs = (rows as TaskRow[]).map((task) => {
          const { envelope, priority } = envelopeOf(task);
          return { id: randomUUID(), task_id: task.id, payload: envelope, priority };
        });
        await counted.query(insertRuns, [JSON.stringify(runs.map(({ id, task_id }) => ({ id, task_id }))), at]);
        await counted.query(addJobs, [JSON.stringify(runs.map(({ id, payload, priority }) => ({ id, payload, priority }))), GRAPHILE_TASK, options.attempts]);
        await counted.query('commit');
      } catch (error) {
        await producer.query('rollback').catch(() => {});
        throw error;
      }
      sqlPerBatch.push(counted.take());
    }
    const spawned = Date.now();
    await waitForFinishedRuns(observer, schemas.peers, taskIds.length, options.deadline, options.progress, `${phase}: ${taskIds.length} results written`);
    await waitUntil(
      options.deadline,
      50,
      async () => (await observer.query<{ n: number }>(`select count(*)::int as n from "${schemas.graphile}"._private_jobs`)).rows[0]!.n === 0,
      `${phase}: graphile-worker's queue empty`,
    );
    const cpuSeconds = await cpu.stop();
    const rss = pool.processes.map((child) => readProcessRss(child.pid!));
    const times = await readPeerRunTimes(observer, schemas.peers);
    return peerPhaseResult({
      phase: phase,
      description: describeGraphile(options.variant),
      jobs: taskIds.length,
      started,
      spawned,
      times,
      cpuSeconds,
      rss,
      sqlPerBatch,
      redisRoundTripsPerBatch: 0,
    });
  } finally {
    await pool?.stop();
    await producer.end();
    await observer.end();
  }
}

/** The envelope nyx's spawn would build for this task (src/producers/extract-task-context.ts maps the same fields). */
export function envelopeOf(task: TaskRow) {
  const envelope = wrapTaskSpawnContext({
    taskId: task.id,
    generatedPrompt: task.generated_prompt,
    motivationType: task.motivation_type,
    intensity: task.intensity,
    priority: task.task_priority,
    arbitrationScore: task.arbitration_score,
    createdAt: task.created_at,
    ...(task.metadata ? { metadata: task.metadata } : {}),
  });
  return { envelope, priority: task.task_priority };
}
