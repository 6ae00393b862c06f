/** Wires a worker process from the environment and runs it until SIGTERM/SIGINT. */
import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { builtInWorkflows } from '../workflows/registry.js';
import { DEFAULT_REDIS_URL } from '../redis/connection-factory.js';
import { parseRedisUrl } from '../redis/redis-topology.js';
import { describeRedis, waitForRedis } from '../redis/wait-for-redis.js';
import { buildWorkerRegistry } from './load-workflow-modules.js';
import { startWorkerProcess } from './worker-process.js';
import { planWorkerQueues } from './worker-queues.js';

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
  const redisUrl = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  const topology = parseRedisUrl(redisUrl);
  // Until Redis answers: one structured line per attempt, backing off; a signal meanwhile just exits.
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort(new Error('stopped while waiting for Redis'));
  process.once('SIGTERM', stopWaiting).once('SIGINT', stopWaiting);
  try {
    await waitForRedis(topology, { log, signal: waiting.signal });
  } catch (error) {
    if (!waiting.signal.aborted) throw error;
    log.info({}, 'worker stopped before Redis answered');
    process.exit(0);
  }
  process.off('SIGTERM', stopWaiting).off('SIGINT', stopWaiting);
  const handle = startWorkerProcess({
    redisUrl,
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
  log.info(
    {
      redis: describeRedis(topology),
      prefix: config.NYX_QUEUE_PREFIX,
      queues: queues.map((q) => ({ queue: q.key, concurrency: q.concurrency, ...(q.limiter ? { rateLimit: q.limiter } : {}) })),
    },
    'worker ready',
  );
  // The parent (demo, tests) waits for this line before it counts the worker as up.
  process.send?.({ type: 'ready', pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs: config.NYX_SHUTDOWN_TIMEOUT_MS }, 'worker stopping: no new jobs, letting running ones finish');
    const closing = handle.close(config.NYX_SHUTDOWN_TIMEOUT_MS);
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
