/**
 * Tells "a dependency is unreachable" (retry later) from "it said no" (a bug
 * or bad data), for the API (503 instead of 500) and for the recorder (keep
 * retrying a write instead of failing its results job).
 */

/**
 * MikroORM's ConnectionException (and subclasses), recognised by the class
 * names on its prototype chain rather than `instanceof`: this module is also
 * loaded by the recorder, a BullMQ worker of the control plane, and
 * `nyx check-boundary` (which cannot tell it from a workflow worker) flags
 * any runtime ORM import reachable from a BullMQ worker.
 */
function isOrmConnectionException(error: unknown): boolean {
  const parentOf = (value: object): object | null => Object.getPrototypeOf(value) as object | null;
  for (let proto = error && typeof error === 'object' ? parentOf(error) : null; proto; proto = parentOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'ConnectionException') return true;
  }
  return false;
}

/** Node/driver error codes that mean "could not talk to the server", not "the server said no". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** ioredis (and BullMQ on it) when Redis is away and commands fail fast. */
const REDIS_DOWN = /Stream isn't writeable|Connection is closed|Reached the max retries per request|enableOfflineQueue|connect ECONNREFUSED .*:6379/i;
/** PostgreSQL SQLSTATE classes: 08 connection exception, 57P0x server shutting down, 53300 too many connections. */
const PG_DOWN_STATES = /^(08|57P0|53300)/;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Which dependency an error says is unreachable, if any. */
export function unreachableDependency(error: unknown): 'postgres' | 'redis' | null {
  for (const e of causes(error)) {
    if (isOrmConnectionException(e)) return 'postgres';
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(text)) return 'redis';
    if (typeof code === 'string' && PG_DOWN_STATES.test(code)) return 'postgres';
    // Redis commands fail fast with the messages above (offline queue off); a raw socket error is the database's.
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'postgres';
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(text)) return 'postgres';
  }
  return null;
}
