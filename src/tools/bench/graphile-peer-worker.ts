/**
 * Entry of the graphile-worker peer's worker process (phases G-default and
 * G-batched): graphile-worker 0.18's `run()` with one task that does what
 * nyx's `noop` workflow does around its no-op — checks the payload (the
 * same TaskSpawnContext envelope, opened by the same src/dto code the nyx
 * worker uses) — and writes the result back to the run row with
 * `helpers.query`, in the job's own pool connection.
 *
 * Forked by graphile.bench.ts with the variant as its argument (`default`:
 * concurrency and pool as the issue's author ran it, no batching; `batched`:
 * the documented batching options on top). The connection string and the
 * schemas come from NYX_BENCH_PEER_* variables.
 */
import { run, type Task } from 'graphile-worker';
import { openTaskSpawnEnvelope } from '../../dto/index.js';
import { graphileRunnerOptions, GRAPHILE_TASK, type GraphileVariant } from './graphile-settings.js';
import { quietGraphileLogger } from './graphile-logger.js';

const variant = process.argv[2] as GraphileVariant | undefined;
const connectionString = process.env.NYX_BENCH_PEER_DATABASE_URL;
const peersSchema = process.env.NYX_BENCH_PEER_SCHEMA;
const graphileSchema = process.env.NYX_BENCH_PEER_GRAPHILE_SCHEMA;
if ((variant !== 'default' && variant !== 'batched') || !connectionString || !peersSchema || !graphileSchema) {
  console.error('usage: graphile-peer-worker default|batched (NYX_BENCH_PEER_DATABASE_URL, NYX_BENCH_PEER_SCHEMA, NYX_BENCH_PEER_GRAPHILE_SCHEMA)');
  process.exit(2);
}

const writeResult = `update "${peersSchema}".peer_run set status = 'completed', result = $2, started_at = $3, finished_at = clock_timestamp() where id = $1`;

const noop: Task = async (payload, helpers) => {
  const startedAt = new Date();
  const opened = openTaskSpawnEnvelope(payload);
  if (!opened.ok) throw new Error(opened.reason);
  await helpers.query(writeResult, [helpers.job.key, JSON.stringify({ taskId: opened.wire.taskId }), startedAt]);
};

const runner = await run({
  ...graphileRunnerOptions(variant),
  connectionString,
  schema: graphileSchema,
  logger: quietGraphileLogger,
  noHandleSignals: true,
  taskList: { [GRAPHILE_TASK]: noop },
  crontab: '',
});
process.send?.({ type: 'ready', pid: process.pid });

const stop = () => {
  void runner.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
