/** Wires a worker process from the environment and runs it until SIGTERM/SIGINT. */
import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { resolveWorkflowRegistry } from './load-workflow-modules.js';
import { startWorkerProcess } from './worker-process.js';
import { planWorkerQueues } from './worker-queues.js';

export interface RunWorkerOptions {
  /** Write the resolved module URLs there on exit (used by the boundary test). */
  reportModulesTo?: string | undefined;
  resolvedModules: ReadonlySet<string>;
}

export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger('nyx-worker', config.logLevel);
  const registry = await resolveWorkflowRegistry(config.workflowModules);
  const queues = planWorkerQueues(config, registry);
  const handle = startWorkerProcess({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    routing: config.queueRouting,
    queues,
    registry,
    log,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
  });
  await Promise.all(handle.workers.map((worker) => worker.waitUntilReady()));
  log.info({ pid: process.pid, queues, prefix: config.queuePrefix }, 'worker ready');
  // The parent (demo, tests) waits for this line before it counts the worker as up.
  process.send?.({ type: 'ready', pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'worker stopping: no new jobs, letting running ones finish');
    const closing = handle.close(config.shutdownTimeoutMs);
    // From here on no new job is taken; a parent (the demo, tests) may wait for this.
    if (process.connected) process.send?.({ type: 'stopping', pid: process.pid });
    const outcome = await closing;
    log.info({ outcome }, 'worker stopped');
    if (options.reportModulesTo) writeFileSync(options.reportModulesTo, JSON.stringify([...options.resolvedModules]));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('disconnect', () => void stop('parent disconnected'));
}
