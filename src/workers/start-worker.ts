/**
 * `startWorker`: a worker inside the caller's own process, for an application
 * that starts its workers from its own code rather than with `nyx worker`.
 * The same wiring `nyx worker` uses (run-worker.ts calls this): the built-in
 * workflows plus the caller's, plus the modules of NYX_WORKFLOW_MODULES; one
 * BullMQ Worker per queue the config routes to it. It loads no ORM; call
 * `forbidOrmImports()` first thing in the process to have that enforced.
 */
import { loadWorkerConfig, type WorkerConfig } from '../shared/config/config.js';
import { createLogger, type Logger } from '../shared/logging/logger.js';
import type { WorkflowDefinition } from './workflows/workflow.js';
import { resolveWorkflowRegistry } from './load-workflow-modules.js';
import { startWorkerProcess, type WorkerHandle } from './worker-process.js';
import { planWorkerQueues, type WorkerQueueSpec } from './worker-queues.js';

export interface StartWorkerOptions {
  /**
   * Your workflows (what `defineWorkflow` returns), run beside the built-in
   * ones and those of `config.workflowModules`. A motivation type claimed
   * twice is a `ConfigError`.
   * @defaultValue none
   */
  workflows?: readonly WorkflowDefinition[];
  /**
   * Worker settings (Redis URL, queue prefix, concurrency, lock and stall
   * timings…), e.g. `loadWorkerConfig({ REDIS_URL, NYX_QUEUE_PREFIX: 'app' })`.
   * The control plane and its workers must agree on prefix and routing.
   * @defaultValue `loadWorkerConfig()`: read from `process.env`
   */
  config?: WorkerConfig;
  /** @defaultValue a pino logger named `nyx-worker` at `config.logLevel` */
  log?: Logger;
  /**
   * Called once `config.workerMaxZombies` attempts that ignored their
   * abort signal were left behind: close the worker and end the process (a
   * zombie cannot be killed, only left with its process).
   * @defaultValue none: the worker keeps running
   */
  onRecycle?: (zombies: number) => void;
}

export interface RunningWorker {
  /** The queues this worker consumes, with their concurrency and rate limit. */
  readonly queues: readonly WorkerQueueSpec[];
  /**
   * Stops taking jobs and lets running ones finish for `timeoutMs`, then
   * aborts their `ctx.signal`; jobs still running are left to BullMQ's
   * stalled-job recovery. Closes the worker's Redis connections.
   * @param timeoutMs grace period in ms. @defaultValue `config.shutdownTimeoutMs`
   */
  close(timeoutMs?: number): Promise<'drained' | 'timed-out'>;
}

/** Starts the worker; resolves once every queue's BullMQ Worker is connected and taking jobs. */
export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const config = options.config ?? loadWorkerConfig();
  const log = options.log ?? createLogger('nyx-worker', config.logLevel);
  const registry = await resolveWorkflowRegistry(config.workflowModules, options.workflows);
  const queues = planWorkerQueues(config, registry);
  const handle: WorkerHandle = startWorkerProcess({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    routing: config.queueRouting,
    queues,
    registry,
    log,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    maxResultBytes: config.maxResultBytes,
    maxResultsJobBytes: config.maxResultsJobBytes,
    abortGraceMs: config.abortGraceMs,
    stopPollMs: config.stopPollMs,
    maxZombies: config.workerMaxZombies,
    ...(options.onRecycle ? { onRecycle: options.onRecycle } : {}),
  });
  try {
    await Promise.all(handle.workers.map((worker) => worker.waitUntilReady()));
  } catch (error) {
    await handle.close(0);
    throw error;
  }
  return { queues, close: (timeoutMs = config.shutdownTimeoutMs) => handle.close(timeoutMs) };
}
