/**
 * One worker process: a BullMQ Worker per workflow queue it takes (one, or
 * one per motivation type — see worker-queues.ts), plus the two queues it
 * reports to (outcomes in batches, see outcome-reporter.ts). `close(timeoutMs)` stops taking jobs and lets running
 * ones finish; when the grace period runs out it aborts their signal (a
 * workflow that stops on it hands its job back to the queue) and returns
 * `timed-out`: the caller then exits the process, and jobs still running are
 * left to BullMQ's stalled-job recovery (another worker picks them up once
 * their lock lapses) — nothing is lost. BullMQ's own `close()` has no
 * timeout; this one does.
 *
 * A failure BullMQ decides without running the processor (a job stalled past
 * BullMQ's limit) is reported from the Worker's `failed` event.
 */
import { Queue, type Worker } from 'bullmq';
import { RedisConnectionFactory } from '../shared/redis/connection-factory.js';
import { runControlKeys } from '../shared/redis/run-control-keys.js';
import { countZombie, type RunControlClient } from '../shared/redis/run-control-store.js';
import type { QueueRouting } from '../shared/redis/queue-naming.js';
import { OutcomeReporter } from './outcome-reporter.js';
import { StopWatcher } from './stop-watcher.js';
import { TolerantWorker } from './tolerant-worker.js';
import { createWorkflowProcessor, type ProcessorLogger } from './workflow-processor.js';
import type { WorkflowRegistry } from './workflows/registry.js';
import type { WorkerQueueSpec } from './worker-queues.js';
import { settleWithin } from '../shared/batching/timeout.js';

export interface WorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  /** How jobs are spread over queues. @defaultValue single */
  routing?: QueueRouting;
  /** Queues to consume, from planWorkerQueues. */
  queues: readonly WorkerQueueSpec[];
  registry: WorkflowRegistry;
  log: ProcessorLogger & { error(fields: object, message: string): void };
  /** How often BullMQ looks for stalled jobs, in ms (NYX_STALLED_INTERVAL_MS; default in CONFIG_DEFAULTS). */
  stalledIntervalMs: number;
  /** How long a job's lock lasts without renewal, in ms (NYX_LOCK_DURATION_MS). */
  lockDurationMs: number;
  /** Times a job may come back from stalled-job recovery and still run (then: dead, `stalled too often`) (NYX_MAX_STALLED_COUNT). */
  maxStalledCount: number;
  /** Largest outcome, in bytes of JSON; a bigger result fails its run. @defaultValue 1048576 */
  maxResultBytes?: number;
  /** Largest results job, in bytes of JSON. @defaultValue 8388608 */
  maxResultsJobBytes?: number;
  /** How long a workflow stopped by its deadline or an operator gets to end before it is abandoned, in ms. @defaultValue 2000 */
  abortGraceMs?: number;
  /** How often the worker reads operator stops for its running attempts, in ms. @defaultValue 500 */
  stopPollMs?: number;
  /** Abandoned attempts (zombies) after which `onRecycle` is called; 0: never. @defaultValue 0 */
  maxZombies?: number;
  /** Called once when `maxZombies` is reached: the caller stops taking jobs and exits once idle, to be restarted. */
  onRecycle?: (zombies: number) => void;
}

export interface WorkerHandle {
  workers: Worker[];
  /** Attempts abandoned since start, and how many of them still run. */
  zombies(): { abandoned: number; running: number };
  close(timeoutMs: number): Promise<'drained' | 'timed-out'>;
}

/** After the grace period, how long aborted workflows get to hand their jobs back, in ms. */
const ABORT_GRACE_MS = 1_000;

export function startWorkerProcess(options: WorkerProcessOptions): WorkerHandle {
  const shutdown = new AbortController();
  const redis = new RedisConnectionFactory(options.redisUrl);
  const naming = redis.naming(options.prefix, options.routing);
  const prefix = naming.prefix;
  // Reports wait for a briefly absent Redis rather than fail the job: blocking role.
  const results = new Queue(naming.resultsQueue, { connection: redis.connection('blocking'), prefix });
  const deadLetters = new Queue(naming.deadLetterQueue, { connection: redis.connection('blocking'), prefix });
  // Without a listener, a Redis outage prints raw ioredis errors to stderr; these go to the structured log.
  for (const queue of [results, deadLetters]) queue.on('error', (error) => options.log.error({ err: error, queue: queue.name }, 'worker: Redis error'));
  const { maxStalledCount } = options;
  /** Reports started by `failed` events; close() waits for them before closing the queues they write to. */
  const reports = new Set<Promise<void>>();
  const reporter = new OutcomeReporter(results, deadLetters, {
    signal: shutdown.signal,
    ...(options.maxResultBytes !== undefined ? { maxOutcomeBytes: options.maxResultBytes } : {}),
    ...(options.maxResultsJobBytes !== undefined ? { maxJobBytes: options.maxResultsJobBytes } : {}),
    onRetry: (error, failures) => options.log.warn({ err: error, failures }, 'worker: Redis refused a report; keeping the job and retrying'),
  });
  const keys = runControlKeys(prefix);
  const zombies = { abandoned: 0, running: 0 };
  const onAbandoned = (attempt: { runId: string; workflow: string }, running: Promise<unknown>) => {
    zombies.abandoned += 1;
    zombies.running += 1;
    void running.finally(() => (zombies.running -= 1)).catch(() => {});
    options.log.warn({ ...attempt, zombies: zombies.abandoned }, 'worker: attempt ignored ctx.signal; abandoned, its slot given back');
    void results
      .getBackend()
      .client.then((client) => countZombie(client as unknown as RunControlClient, keys, attempt.workflow))
      .catch((error: unknown) => options.log.error({ err: error }, 'worker: could not count a zombie in Redis'));
    const max = options.maxZombies ?? 0;
    if (max > 0 && zombies.abandoned === max) options.onRecycle?.(zombies.abandoned);
  };
  const stops = new StopWatcher({
    client: async () => await results.getBackend().client,
    keys,
    pollMs: options.stopPollMs ?? 500,
    log: options.log,
  });
  const processor = createWorkflowProcessor({
    stops,
    registry: options.registry,
    reporter,
    log: options.log,
    shutdownSignal: shutdown.signal,
    maxStalledCount,
    abortGraceMs: options.abortGraceMs ?? 2_000,
    onAbandoned,
  });
  const workers = options.queues.map((spec) => {
    const worker: Worker = new TolerantWorker(naming.workflowQueue(spec.routeKey), (job, token) => processor.process(job, token), {
      connection: redis.connection('blocking'),
      prefix,
      concurrency: spec.concurrency,
      ...(spec.limiter ? { limiter: spec.limiter } : {}),
      stalledInterval: options.stalledIntervalMs,
      lockDuration: options.lockDurationMs,
      // One more than ours: the processor fails a job that stalled too often
      // itself, reporting first; BullMQ's limit is the backstop (see workflow-processor.ts).
      maxStalledCount: maxStalledCount + 1,
    });
    worker.on('error', (error) => options.log.error({ err: error, queue: spec.key }, 'worker: Redis error'));
    worker.on('failed', (job, error) => {
      const report = processor.handleFailedEvent(job, error).catch((reportError: unknown) => {
        options.log.error({ err: reportError, jobId: job?.id }, 'worker: could not report a failure BullMQ decided');
      });
      reports.add(report);
      void report.finally(() => reports.delete(report));
    });
    return worker;
  });
  const closeAll = () => Promise.all(workers.map((worker) => worker.close()));

  async function close(timeoutMs: number): Promise<'drained' | 'timed-out'> {
    const drained = closeAll();
    const outcome = (await settleWithin(drained, timeoutMs)).timedOut ? ('timed-out' as const) : ('drained' as const);
    if (outcome === 'timed-out') {
      // Workflows that stop on ctx.signal hand their job back to the queue;
      // give them a moment. (BullMQ's `close(true)` would not help here: a
      // second close() returns the first, which waits for every job.) Jobs
      // still running are abandoned: the caller exits the process, their
      // locks lapse, and stalled-job recovery gives them to another worker.
      shutdown.abort(new Error('worker shutting down'));
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS).unref())]);
    }
    stops.close();
    await Promise.allSettled([...reports]);
    await reporter.drain();
    await Promise.all([results.close(), deadLetters.close()]);
    await redis.close();
    return outcome;
  }

  return { workers, close, zombies: () => ({ ...zombies }) };
}
