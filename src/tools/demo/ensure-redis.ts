/**
 * Finds Redis for the demo: REDIS_URL if set; else whatever answers on
 * 127.0.0.1:6379; else a private `redis-server` from PATH on a free port,
 * keeping nothing on disk, stopped when the demo ends. With none of those it
 * stops with a message saying how to get Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { NyxError } from '../../shared/errors/nyx-error.js';

export class RedisUnavailableError extends NyxError {
  readonly code = 'redis_unavailable';
  readonly kind = 'unavailable';

  constructor(detail: string) {
    super(
      `no Redis: ${detail}. Set REDIS_URL=redis://host:port, start one on 127.0.0.1:6379, ` +
        'or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis).',
    );
    this.name = this.constructor.name;
  }
}

export interface RedisHandle {
  url: string;
  /** Set when the demo started its own server. */
  private: boolean;
  stop(): Promise<void>;
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` on a free loopback port; resolves once it accepts connections. */
export async function startPrivateRedis(
  port?: number,
  redisServer = 'redis-server',
  /** Addresses to listen on; 127.0.0.1 comes first and is the one in the returned URL. */
  extraBindAddresses: readonly string[] = [],
): Promise<{ url: string; port: number; process: ChildProcess; stop(): Promise<void> }> {
  const chosen = port ?? (await freePort());
  const bind = ['127.0.0.1', ...extraBindAddresses].join(' ');
  const child = spawn(redisServer, ['--port', String(chosen), '--bind', bind, '--protected-mode', 'no', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new RedisUnavailableError(`could not start redis-server (${e.message})`))),
  );
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([canConnect(chosen), spawnError]))) {
    if (Date.now() > deadline) throw new RedisUnavailableError(`redis-server did not answer on port ${chosen}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, process: child, stop };
}

export interface EnsureRedisOptions {
  /** Port probed on 127.0.0.1 before starting a server. @defaultValue 6379 */
  defaultPort?: number;
  /** The server binary. @defaultValue `redis-server` (from PATH) */
  redisServer?: string;
}

export async function ensureRedis(redisUrl: string | undefined, options: EnsureRedisOptions = {}): Promise<RedisHandle> {
  const port = options.defaultPort ?? 6379;
  if (redisUrl) return { url: redisUrl, private: false, stop: async () => {} };
  if (await canConnect(port)) return { url: `redis://127.0.0.1:${port}`, private: false, stop: async () => {} };
  const server = await startPrivateRedis(undefined, options.redisServer);
  return { url: server.url, private: true, stop: () => server.stop() };
}
