/**
 * BullMQ connection options for one role, for any topology. A cluster needs
 * an ioredis `Cluster` instance per queue or worker; the factory keeps the
 * ones it made and `close()` disconnects them (BullMQ does not close clients
 * it was handed).
 *
 * Roles: `blocking` (workers, the recorder) retries forever, as BullMQ
 * requires; `producer` (the relay) fails fast while Redis is away, so the
 * outbox keeps the rows instead of process memory.
 */
import type { ConnectionOptions } from 'bullmq';
import { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { queueNaming, type QueueNaming, type QueueRouting } from './queue-naming.js';
import { parseRedisUrl, type RedisTopology } from './redis-topology.js';
import { exponentialBackoffMs } from '../batching/backoff.js';

export type ConnectionRole = 'blocking' | 'producer';

function roleOptions(role: ConnectionRole): RedisOptions {
  return role === 'blocking'
    ? { maxRetriesPerRequest: null, enableAutoPipelining: true }
    : {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        retryStrategy: (times: number) => exponentialBackoffMs(times, 100, 2_000),
      };
}

export class RedisConnectionFactory {
  readonly topology: RedisTopology;
  readonly #clusters = new Set<Cluster>();

  constructor(redisUrl: string) {
    this.topology = parseRedisUrl(redisUrl);
  }

  /** Queue names and prefix for this topology (hash-tagged on a cluster, see queue-naming.ts). */
  naming(prefix: string, routing: QueueRouting = 'single'): QueueNaming {
    return queueNaming(prefix, this.topology, routing);
  }

  connection(role: ConnectionRole): ConnectionOptions {
    const topology = this.topology;
    const options = roleOptions(role);
    switch (topology.kind) {
      case 'single':
        return { url: topology.url, ...options } as ConnectionOptions;
      case 'sentinel':
        return {
          sentinels: topology.sentinels,
          name: topology.name,
          ...(topology.username ? { username: topology.username } : {}),
          ...(topology.password ? { password: topology.password, sentinelPassword: topology.password } : {}),
          ...options,
        } as ConnectionOptions;
      case 'cluster': {
        const clusterOptions: ClusterOptions = {
          redisOptions: {
            ...(topology.username ? { username: topology.username } : {}),
            ...(topology.password ? { password: topology.password } : {}),
            ...(topology.tls ? { tls: {} } : {}),
            maxRetriesPerRequest: options.maxRetriesPerRequest ?? null,
          },
          enableOfflineQueue: options.enableOfflineQueue ?? true,
          enableAutoPipelining: true,
        };
        const cluster = new Cluster(topology.nodes, clusterOptions);
        cluster.on('error', () => {});
        this.#clusters.add(cluster);
        return cluster;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clusters].map((cluster) => cluster.quit().catch(() => cluster.disconnect())));
    this.#clusters.clear();
  }
}
