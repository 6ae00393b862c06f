import { NyxError } from '../errors/nyx-error.js';
/**
 * What REDIS_URL names: one server, a Redis Cluster (seed nodes), or a
 * Sentinel-managed primary.
 *
 *   redis://[user:pass@]host:port[/db]          one server (rediss:// for TLS)
 *   redis+cluster://[user:pass@]h1:p1,h2:p2      a cluster, by any of its nodes
 *   redis+sentinel://[user:pass@]s1:p1,s2:p2/mymaster   sentinels and the primary's name
 *
 * Shared by both sides (imports nothing but Node): workers parse the same URL.
 */
export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: HostPort[]; username?: string; password?: string; tls: boolean }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; username?: string; password?: string };

export class InvalidRedisUrlError extends NyxError {
  readonly code = 'invalid_redis_url';
  readonly kind = 'input';

  constructor(url: string, why: string) {
    super(`REDIS_URL "${redact(url)}": ${why}`);
    this.name = this.constructor.name;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function parseHosts(url: string, list: string, defaultPort: number): HostPort[] {
  const hosts = list.split(',').map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
    if (!match) throw new InvalidRedisUrlError(url, `"${entry}" is not host:port`);
    const port = match[2] ? Number(match[2]) : defaultPort;
    if (port < 1 || port > 65_535) throw new InvalidRedisUrlError(url, `port ${port} is out of range`);
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
  if (hosts.length === 0) throw new InvalidRedisUrlError(url, 'names no host');
  return hosts;
}

export function parseRedisUrl(url: string): RedisTopology {
  const match = /^(redis|rediss|redis\+cluster|rediss\+cluster|redis\+sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new InvalidRedisUrlError(url, 'expected redis://host:port, redis+cluster://h1:p1,h2:p2 or redis+sentinel://s1:p1,s2:p2/name');
  }
  const [, scheme, user, pass, hostList, path] = match;
  const credentials = {
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
  };
  if (scheme === 'redis' || scheme === 'rediss') {
    parseHosts(url, hostList!, 6379);
    return { kind: 'single', url };
  }
  if (scheme!.endsWith('+cluster')) {
    return { kind: 'cluster', nodes: parseHosts(url, hostList!, 6379), tls: scheme === 'rediss+cluster', ...credentials };
  }
  if (!path) throw new InvalidRedisUrlError(url, 'a sentinel URL ends with /<primary name>');
  return { kind: 'sentinel', sentinels: parseHosts(url, hostList!, 26379), name: decodeURIComponent(path), ...credentials };
}
