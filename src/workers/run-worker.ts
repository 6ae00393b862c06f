/** Wires a worker process from the environment and runs it until SIGTERM/SIGINT. */
import { writeFileSync } from 'node:fs';
import { loadWorkerConfig } from '../shared/config/config.js';
import { createLogger } from '../shared/logging/logger.js';
import { parseRedisUrl } from '../shared/redis/redis-topology.js';
import { describeRedis, waitForRedis } from '../shared/redis/wait-for-redis.js';
import { startWorker } from './start-worker.js';

/** Exit code of a worker that recycled itself (too many zombies): EX_TEMPFAIL, "restart me". */
export const RECYCLE_EXIT_CODE = 75;

/** Longest a worker outlives its parent (the process that started it with an IPC channel), in ms. */
export const ORPHAN_EXIT_MS = 900;

export interface RunWorkerOptions {
  /** Write the resolved module URLs there on exit (used by the boundary test). */
  reportModulesTo?: string | undefined;
  resolvedModules: ReadonlySet<string>;
}

export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger('nyx-worker', config.logLevel);
  const topology = parseRedisUrl(config.redisUrl);
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
  const handle = await startWorker({
    config,
    log,
    // Zombies cannot be killed, only left behind with the process: stop taking
    // jobs, let the live ones finish, exit with EX_TEMPFAIL for the supervisor to restart.
    onRecycle: (zombies) => void stop(`recycle after ${zombies} abandoned attempts`, RECYCLE_EXIT_CODE),
  });
  log.info(
    {
      redis: describeRedis(topology),
      prefix: config.queuePrefix,
      queues: handle.queues.map((q) => ({ queue: q.key, concurrency: q.concurrency, ...(q.limiter ? { rateLimit: q.limiter } : {}) })),
    },
    'worker ready',
  );
  // The parent (demo, tests) waits for this line before it counts the worker as up.
  process.send?.({ type: 'ready', pid: process.pid });

  let stopping = false;
  async function stop(signal: string, exitCode = 0, timeoutMs = config.shutdownTimeoutMs): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal, timeoutMs }, 'worker stopping: no new jobs, letting running ones finish');
    const closing = handle.close(timeoutMs);
    // From here on no new job is taken; a parent (the demo, tests) may wait for this.
    if (process.connected) process.send?.({ type: 'stopping', pid: process.pid });
    const outcome = await closing;
    log.info({ outcome }, 'worker stopped');
    if (options.reportModulesTo) writeFileSync(options.reportModulesTo, JSON.stringify([...options.resolvedModules]));
    process.exit(exitCode);
  }
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The IPC channel closes when the parent dies, even by SIGKILL. Its supervisor
  // meant everything to stop: leave within ORPHAN_EXIT_MS, running jobs or not
  // (their locks lapse and stalled-job recovery hands them to another worker).
  process.on('disconnect', () => {
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    void stop('parent gone', 0, Math.min(config.shutdownTimeoutMs, ORPHAN_EXIT_MS / 2));
  });
}
