/**
 * Counts Redis round trips of this process without MONITOR (which would slow
 * the server for everyone) and without touching how BullMQ builds its
 * connections: every request ioredis sends — one command, or a whole
 * pipeline / MULTI (addBulk, auto-pipelined commands) — leaves in ONE
 * `socket.write`, and gets its replies back before the caller goes on. So
 * writes on sockets to the Redis port are round trips. The hook is installed
 * on `net.Socket.prototype` for the bench process only and removed by
 * `uninstall()`; sockets of other servers (PostgreSQL) are ignored.
 */
import net from 'node:net';

export class RedisRoundTripCounter {
  readonly #bySocket = new WeakMap<net.Socket, number>();
  // Kept unbound on purpose: it is put back on the prototype by uninstall(), and called with the socket as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  readonly #original = net.Socket.prototype.write;
  readonly #ownWrite = Object.hasOwn(net.Socket.prototype, 'write');
  #total = 0;
  #installed = false;

  constructor(private readonly redisPort: number) {}

  install(): void {
    if (this.#installed) return;
    this.#installed = true;
    const original = this.#original;
    // The replacement below is a plain function whose `this` is the socket, so the counter needs its own name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const counter = this;
    // A plain function: `this` is the socket being written to.
    net.Socket.prototype.write = function countedWrite(this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === counter.redisPort) {
        counter.#total += 1;
        counter.#bySocket.set(this, (counter.#bySocket.get(this) ?? 0) + 1);
      }
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    };
  }

  uninstall(): void {
    if (!this.#installed) return;
    // Put back exactly what was there: an own method, or the one inherited from stream.Writable.
    if (this.#ownWrite) net.Socket.prototype.write = this.#original;
    else delete (net.Socket.prototype as { write?: unknown }).write;
    this.#installed = false;
  }

  /** Round trips of every Redis connection of this process so far. */
  get total(): number {
    return this.#total;
  }

  /** Round trips of one connection (e.g. a Queue's client stream). */
  forSocket(socket: net.Socket | undefined): number {
    return socket ? (this.#bySocket.get(socket) ?? 0) : 0;
  }
}

/** The port of a redis:// URL (6379 when it names none). */
export function redisPort(redisUrl: string): number {
  const port = new URL(redisUrl).port;
  return port ? Number(port) : 6379;
}
