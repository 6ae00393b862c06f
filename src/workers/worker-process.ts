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
import { RedisConnectionFactory } from '../redis/connection-factory.js';
import type { QueueRouting } from '../redis/queue-naming.js';
import { OutcomeReporter } from './outcome-reporter.js';
import { TolerantWorker } from './tolerant-worker.js';
import { createWorkflowProcessor, type ProcessorLogger } from './workflow-processor.js';
import type { WorkflowRegistry } from '../workflows/registry.js';
import type { WorkerQueueSpec } from './worker-queues.js';

export interface WorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  /** How jobs are spread over queues. @defaultValue single */
  routing?: QueueRouting;
  /** Queues to consume, from planWorkerQueues. */
  queues: readonly WorkerQueueSpec[];
  registry: WorkflowRegistry;
  log: ProcessorLogger & { error(fields: object, message: string): void };
  /** How often BullMQ looks for stalled jobs, in ms. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** How long a job's lock lasts without renewal, in ms. @defaultValue 30000 */
  lockDurationMs?: number;
  /** Times a job may come back from stalled-job recovery and still run (then: dead, `stalled too often`). @defaultValue 2 */
  maxStalledCount?: number;
}

export interface WorkerHandle {
  workers: Worker[];
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
  const maxStalledCount = options.maxStalledCount ?? 2;
  /** Reports started by `failed` events; close() waits for them before closing the queues they write to. */
  const reports = new Set<Promise<void>>();
  const reporter = new OutcomeReporter(results, deadLetters);
  const processor = createWorkflowProcessor({
    registry: options.registry,
    reporter,
    log: options.log,
    shutdownSignal: shutdown.signal,
    maxStalledCount,
  });
  const workers = options.queues.map((spec) => {
    const worker: Worker = new TolerantWorker(naming.workflowQueue(spec.motivationType), processor.process, {
      connection: redis.connection('blocking'),
      prefix,
      concurrency: spec.concurrency,
      ...(spec.limiter ? { limiter: spec.limiter } : {}),
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      lockDuration: options.lockDurationMs ?? 30_000,
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
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), timeoutMs);
    });
    const drained = closeAll().then(() => 'drained' as const);
    const outcome = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timed-out') {
      // Workflows that stop on ctx.signal hand their job back to the queue;
      // give them a moment. (BullMQ's `close(true)` would not help here: a
      // second close() returns the first, which waits for every job.) Jobs
      // still running are abandoned: the caller exits the process, their
      // locks lapse, and stalled-job recovery gives them to another worker.
      shutdown.abort(new Error('worker shutting down'));
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS).unref())]);
    }
    await Promise.allSettled([...reports]);
    await reporter.drain();
    await Promise.all([results.close(), deadLetters.close()]);
    await redis.close();
    return outcome;
  }

  return { workers, close };
}
