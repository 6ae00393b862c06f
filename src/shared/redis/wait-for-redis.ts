/**
 * Waits until Redis answers PING, for processes that cannot do anything
 * without it (a worker). While it does not, logs one structured line per
 * attempt — `waiting for Redis at host:port` with the attempt, the error and
 * the delay before the next try — and backs off exponentially, instead of
 * letting BullMQ's connections print raw ioredis errors in a tight loop.
 * Shared code: imports only ioredis.
 */
import { Cluster, Redis } from 'ioredis';
import type { RedisTopology } from './redis-topology.js';

export interface WaitForRedisOptions {
  log: { warn(fields: object, message: string): void };
  /** First delay between attempts, in ms; doubles each time. @defaultValue 250 */
  initialDelayMs?: number;
  /** Longest delay between attempts, in ms. @defaultValue 10000 */
  maxDelayMs?: number;
  /** Each attempt's connect timeout, in ms. @defaultValue 2000 */
  connectTimeoutMs?: number;
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** `host:port` (or the list of them) that the log lines name; no credentials. */
export function describeRedis(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'single': {
      const url = new URL(topology.url);
      return `${url.hostname || '127.0.0.1'}:${url.port || '6379'}`;
    }
    case 'sentinel':
      return `${topology.name} via sentinels ${topology.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
    case 'cluster':
      return `cluster ${topology.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
}

async function pingOnce(topology: RedisTopology, connectTimeout: number): Promise<void> {
  // No retries of its own: this loop decides when to try again.
  const common = { lazyConnect: true, connectTimeout, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };
  const client =
    topology.kind === 'cluster'
      ? new Cluster(topology.nodes, {
          lazyConnect: true,
          clusterRetryStrategy: () => null,
          enableOfflineQueue: false,
          redisOptions: {
            connectTimeout,
            ...(topology.username ? { username: topology.username } : {}),
            ...(topology.password ? { password: topology.password } : {}),
            ...(topology.tls ? { tls: {} } : {}),
          },
        })
      : topology.kind === 'sentinel'
        ? new Redis({
            sentinels: topology.sentinels,
            name: topology.name,
            ...(topology.username ? { username: topology.username } : {}),
            ...(topology.password ? { password: topology.password, sentinelPassword: topology.password } : {}),
            ...common,
            sentinelRetryStrategy: () => null,
          })
        : new Redis(topology.url, common);
  // ioredis rejects connect() with "Connection is closed."; the cause (ECONNREFUSED…) comes as an event.
  let cause: unknown;
  client.on('error', (error: unknown) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** Resolves once Redis answers; returns how many attempts failed before. */
export async function waitForRedis(topology: RedisTopology, options: WaitForRedisOptions): Promise<number> {
  const where = describeRedis(topology);
  let delay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      await pingOnce(topology, options.connectTimeoutMs ?? 2_000);
      return attempt - 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log.warn({ redis: where, attempt, retryInMs: delay, error: message }, `waiting for Redis at ${where}`);
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}
