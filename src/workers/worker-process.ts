/**
 * One worker process: a BullMQ Worker on the workflow queue, plus the two
 * queues it reports to. `close(timeoutMs)` stops taking jobs and lets running
 * ones finish; when the grace period runs out it aborts their signal and
 * force-closes, leaving unfinished jobs to BullMQ's stalled-job recovery
 * (another worker picks them up) — nothing is lost. BullMQ's own `close()`
 * has no timeout; this one does.
 */
import { Queue, Worker } from 'bullmq';
import { DEAD_LETTER_QUEUE, RESULTS_QUEUE, WORKFLOW_QUEUE } from '../dto/index.js';
import { RedisConnectionFactory } from '../redis/connection-factory.js';
import { OutcomeReporter } from './outcome-reporter.js';
import { createWorkflowProcessor, type ProcessorLogger } from './workflow-processor.js';
import type { WorkflowRegistry } from '../workflows/registry.js';

export interface WorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  registry: WorkflowRegistry;
  log: ProcessorLogger & { error(fields: object, message: string): void };
  /** Queue to consume. @defaultValue `workflows` */
  queue?: string;
  /** How often BullMQ looks for stalled jobs, in ms. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** How long a job's lock lasts without renewal, in ms. @defaultValue 30000 */
  lockDurationMs?: number;
}

export interface WorkerHandle {
  worker: Worker;
  close(timeoutMs: number): Promise<'drained' | 'timed-out'>;
}

export function startWorkerProcess(options: WorkerProcessOptions): WorkerHandle {
  const shutdown = new AbortController();
  const redis = new RedisConnectionFactory(options.redisUrl);
  const prefix = redis.prefix(options.prefix);
  // Reports wait for a briefly absent Redis rather than fail the job: blocking role.
  const results = new Queue(RESULTS_QUEUE, { connection: redis.connection('blocking'), prefix });
  const deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection: redis.connection('blocking'), prefix });
  const processor = createWorkflowProcessor({
    registry: options.registry,
    reporter: new OutcomeReporter(results, deadLetters),
    log: options.log,
    shutdownSignal: shutdown.signal,
  });
  const worker = new Worker(options.queue ?? WORKFLOW_QUEUE, processor, {
    connection: redis.connection('blocking'),
    prefix,
    concurrency: options.concurrency,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    lockDuration: options.lockDurationMs ?? 30_000,
    maxStalledCount: 2,
  });
  worker.on('error', (error) => options.log.error({ err: error }, 'worker: Redis error'));

  async function close(timeoutMs: number): Promise<'drained' | 'timed-out'> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), timeoutMs);
    });
    const outcome = await Promise.race([worker.close().then(() => 'drained' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timed-out') {
      shutdown.abort(new Error('worker shutting down'));
      await worker.close(true);
    }
    await Promise.all([results.close(), deadLetters.close()]);
    await redis.close();
    return outcome;
  }

  return { worker, close };
}
