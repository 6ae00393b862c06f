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
/**
 * PostgreSQL errors by SQLSTATE (appendix A of its manual), as this module
 * classifies them:
 *
 *   SQLSTATE                       meaning                                   classified
 *   08000 08001 08003 08004        connection exception (cannot connect,     unavailable: 503, retry later
 *   08006 08007                    connection lost, …)
 *   08P01                          protocol violation: the server got a      input: 400 — retrying the same
 *                                  malformed message; what causes it here    input fails the same way
 *                                  is a NUL in a statement's text (the
 *                                  server reads the text as a C string)
 *   57P01 57P02 57P03 57P05        admin/crash shutdown, cannot connect      unavailable
 *                                  now (starting up), idle session timeout
 *   53300                          too many connections                      unavailable
 *   22xxx                          data exception: a value out of range      input: 400
 *                                  (22003, 22008 year 0), bad text
 *                                  representation (22P02), invalid byte
 *                                  sequence / NUL (22021), bad JSON (22P05)
 *   54000 54001                    program limit exceeded (an index row or   input: 400
 *                                  a value too large; a JSON value nested
 *                                  too deep for the server's stack)
 *   23505                          unique violation                          conflict: 409 (api/errors.ts)
 *   40001 40P01                    serialization failure, deadlock: the      transient: 503, retry soon —
 *                                  server aborted the transaction because    the whole transaction was rolled
 *                                  it collided with another one              back, so nothing was changed
 *   anything else                  (57P04 database dropped, 42xxx…)          neither: a 500, i.e. a bug
 */
const PG_DOWN_STATES = /^(08(000|001|003|004|006|007)|57P0[1235]|53300)$/;
const PG_INPUT_STATES = /^(08P01|22[0-9A-Z]{3}|5400[01])$/;
const PG_TRANSIENT_STATES = /^(40001|40P01)$/;

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

/**
 * The SQLSTATE when PostgreSQL refused a statement because of a value it
 * was given (see the table above), or null. The input was refused, nothing
 * was written, and sending it again would fail again.
 */
export function databaseRefusedInput(error: unknown): string | null {
  for (const e of causes(error)) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && PG_INPUT_STATES.test(code)) return code;
  }
  return null;
}

/**
 * The SQLSTATE when PostgreSQL aborted a transaction because it collided with
 * another (a serialization failure or a deadlock, see the table above), or
 * null. Everything the transaction did was rolled back; the same request sent
 * again normally succeeds.
 */
export function transientConflict(error: unknown): string | null {
  for (const e of causes(error)) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && PG_TRANSIENT_STATES.test(code)) return code;
  }
  return null;
}
