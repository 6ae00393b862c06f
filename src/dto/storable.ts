/**
 * What PostgreSQL can store, checked before anything is written, at both
 * ends: the worker fails a run whose result cannot be stored (with the
 * reason), and the recorder checks again, so one bad entry never reaches the
 * batch statement it shares with other runs' outcomes.
 *
 * Refused: strings (values or keys) that are not well-formed Unicode (a lone
 * surrogate: jsonb and text refuse it), strings holding NUL (`\u0000`:
 * neither jsonb nor text can hold it), integers PostgreSQL's `int` column
 * cannot hold (attempts), dates outside the years 0001-9999, and nesting
 * deeper than `MAX_STORABLE_DEPTH` (PostgreSQL's JSON parser has a stack limit).
 */

/** Deepest nesting of a stored JSON value (arrays and objects). */
export const MAX_STORABLE_DEPTH = 512;
export const INT32_MAX = 2_147_483_647;
/**
 * Dates travel as `toISOString()` text, which PostgreSQL reads only for the
 * years 0001 to 9999 (year 0000 and the six-digit forms are refused).
 */
const MIN_TIMESTAMP_MS = new Date('0001-01-01T00:00:00.000Z').getTime();
const MAX_TIMESTAMP_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

export interface Unstorable {
  /** Where, as a dot path (`output.summary`, `error`). */
  path: string;
  problem: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'holds a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (a lone surrogate: text cut inside a character?)';
  return null;
}

/** The first part of `value` PostgreSQL could not store, or null. Iterative: any depth is safe to check. */
export function findUnstorable(value: unknown, root = 'value'): Unstorable | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return { path, problem };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, problem: `is not a finite number (${current})` };
    } else if (typeof current === 'bigint') {
      return { path, problem: 'is a BigInt (not JSON)' };
    } else if (current instanceof Date) {
      const ms = current.getTime();
      if (Number.isNaN(ms) || ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) return { path, problem: 'is a date PostgreSQL cannot store' };
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_STORABLE_DEPTH) return { path, problem: `nests deeper than ${MAX_STORABLE_DEPTH} levels` };
      if (Array.isArray(current)) {
        current.forEach((item, index) => stack.push({ value: item, path: `${path}.${index}`, depth: depth + 1 }));
      } else {
        for (const [key, item] of Object.entries(current)) {
          const keyProblem = stringProblem(key);
          if (keyProblem) return { path: `${path} (a key)`, problem: keyProblem };
          stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

/** The first problem of an outcome (wire or parsed form), or null: attempt in int range, then every field. */
export function findUnstorableOutcome(outcome: { attempt: number } & Record<string, unknown>): Unstorable | null {
  if (!Number.isInteger(outcome.attempt) || outcome.attempt > INT32_MAX) {
    return { path: 'attempt', problem: `${outcome.attempt} does not fit PostgreSQL's int` };
  }
  for (const [key, value] of Object.entries(outcome)) {
    const found = findUnstorable(value, key);
    if (found) return found;
  }
  return null;
}

/** Text made storable: NUL and lone surrogates replaced by U+FFFD (for error messages, which must always be writable). */
export function toStorableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}

/** At most `maxBytes` of UTF-8, cut between code points (never inside a character). */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
