/** Wires a worker process from the environment and runs it until SIGTERM/SIGINT. */
import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { builtInWorkflows } from '../workflows/registry.js';
import { DEFAULT_REDIS_URL } from '../redis/connection-factory.js';
import { buildWorkerRegistry } from './load-workflow-modules.js';
import { startWorkerProcess } from './worker-process.js';
import { planWorkerQueues } from './worker-queues.js';

/** Longest a worker outlives its parent (the process that started it with an IPC channel), in ms. */
export const ORPHAN_EXIT_MS = 900;

export interface RunWorkerOptions {
  /** Write the resolved module URLs there on exit (used by the boundary test). */
  reportModulesTo?: string | undefined;
  resolvedModules: ReadonlySet<string>;
}

export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger('nyx-worker', config.LOG_LEVEL);
  const registry = await buildWorkerRegistry(builtInWorkflows, config.NYX_WORKFLOW_MODULES);
  const queues = planWorkerQueues(config, registry);
  const handle = startWorkerProcess({
    redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    prefix: config.NYX_QUEUE_PREFIX,
    routing: config.NYX_QUEUE_ROUTING,
    queues,
    registry,
    log,
    lockDurationMs: config.NYX_LOCK_DURATION_MS,
    stalledIntervalMs: config.NYX_STALLED_INTERVAL_MS,
    maxStalledCount: config.NYX_MAX_STALLED_COUNT,
  });
  await Promise.all(handle.workers.map((worker) => worker.waitUntilReady()));
  log.info({ pid: process.pid, queues, prefix: config.NYX_QUEUE_PREFIX }, 'worker ready');
  // The parent (demo, tests) waits for this line before it counts the worker as up.
  process.send?.({ type: 'ready', pid: process.pid });

  let stopping = false;
  const stop = async (signal: string, timeoutMs = config.NYX_SHUTDOWN_TIMEOUT_MS) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs }, 'worker stopping: no new jobs, letting running ones finish');
    const closing = handle.close(timeoutMs);
    // From here on no new job is taken; a parent (the demo, tests) may wait for this.
    if (process.connected) process.send?.({ type: 'stopping', pid: process.pid });
    const outcome = await closing;
    log.info({ outcome }, 'worker stopped');
    if (options.reportModulesTo) writeFileSync(options.reportModulesTo, JSON.stringify([...options.resolvedModules]));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The IPC channel closes when the parent dies, even by SIGKILL. Its supervisor
  // meant everything to stop: leave within ORPHAN_EXIT_MS, running jobs or not
  // (their locks lapse and stalled-job recovery hands them to another worker).
  process.on('disconnect', () => {
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    void stop('parent gone', Math.min(config.NYX_SHUTDOWN_TIMEOUT_MS, ORPHAN_EXIT_MS / 2));
  });
}
