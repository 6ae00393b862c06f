/**
 * Checks on untrusted JSON data that run before any schema parser walks it,
 * shared by the HTTP API (request bodies) and the producer (stored task data
 * at spawn time), so both refuse the same things with the same words:
 *
 * - text PostgreSQL cannot store: a NUL (U+0000: refused by `text` and
 *   `jsonb`, and it truncates an inlined statement, which the server then
 *   rejects as a protocol violation) and a lone UTF-16 surrogate (the
 *   driver's UTF-8 encoder would store U+FFFD instead — a silent rewrite);
 * - the prototype-pollution keys `__proto__` and `constructor` (same rule
 *   as hostile-shape.ts, which guards the worker side);
 * - nesting depth, total key count and string length, which bound the work
 *   and the stack a recursive parser (zod's `z.json()`) needs.
 *
 * The walk is iterative (an explicit stack), so it cannot overflow itself,
 * and it stops at the first problem.
 */

/** Limits on a JSON object such as a task's `metadata`. */
export interface JsonLimits {
  /** Deepest nesting; the object itself is level 1. */
  maxDepth: number;
  /** Most object keys, counted over the whole value. */
  maxKeys: number;
  /** Longest string (value or key), in UTF-16 code units (JavaScript's `length`). */
  maxStringLength: number;
}

/**
 * Limits on `metadata` (a task's own, and what the caller adds at spawn).
 * They are part of the contract: the API refuses a task the producer could
 * not spawn, and the producer applies them again to what it reads back.
 */
export const METADATA_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxDepth: 16, maxKeys: 1_000, maxStringLength: 10_000 });

/** No limit but the ones on text and keys (used for whole request bodies, whose depth the raw scan bounded). */
export const NO_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxDepth: Number.POSITIVE_INFINITY,
  maxKeys: Number.POSITIVE_INFINITY,
  maxStringLength: Number.POSITIVE_INFINITY,
});

export type JsonInputProblemKind = 'nul' | 'lone_surrogate' | 'forbidden_key' | 'depth' | 'keys' | 'string_length';

export interface JsonInputProblem {
  kind: JsonInputProblemKind;
  /** Where: `body.metadata.notes[2]`. */
  path: string;
  /** What is wrong there, naming the limit: `nested deeper than the limit of 16 levels`. */
  reason: string;
  /** `<path>: <reason>`. */
  message: string;
}

function problem(kind: JsonInputProblemKind, path: string, reason: string): JsonInputProblem {
  return { kind, path, reason, message: `${path}: ${reason}` };
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (`String#isWellFormed`, which lib ES2023 does not declare). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as is, or null. */
export function unstorableText(text: string): 'nul' | 'lone_surrogate' | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return null;
}

const TEXT_PROBLEM = {
  nul: 'contains a NUL character (U+0000), which PostgreSQL cannot store',
  lone_surrogate: 'contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored as sent',
} as const;

/** The problem with one string at `path` (`what`: "text" or "key"), or null. */
export function textProblem(text: string, path: string, what = 'text'): JsonInputProblem | null {
  const kind = unstorableText(text);
  return kind ? problem(kind, path, `${what} ${TEXT_PROBLEM[kind]}`) : null;
}

/** `__proto__` anywhere; `constructor` holding an object with `prototype` (the two pollution paths). */
function isPollutionKey(key: string, value: unknown): boolean {
  if (key === '__proto__') return true;
  return key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype');
}

/** `a.b`, or `a["two words"]` when the key is not an identifier. */
export function jsonKeyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}

/**
 * The first reason `value` (found at `path`) is refused, or null. `value` is
 * JSON data (what `JSON.parse` or the database driver gives back); depth
 * counts containers, `value` itself being level 1 when it is one.
 */
export function findJsonInputProblem(value: unknown, path: string, limits: Readonly<JsonLimits> = NO_JSON_LIMITS): JsonInputProblem | null {
  let keys = 0;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 1 }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const item = current.value;
    if (typeof item === 'string') {
      const text = textProblem(item, current.path);
      if (text) return text;
      if (item.length > limits.maxStringLength) {
        return problem('string_length', current.path, `string of ${item.length} characters is longer than the limit of ${limits.maxStringLength}`);
      }
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (current.depth > limits.maxDepth) {
      return problem('depth', current.path, `nested deeper than the limit of ${limits.maxDepth} levels`);
    }
    if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--) stack.push({ value: item[index], path: `${current.path}[${index}]`, depth: current.depth + 1 });
      continue;
    }
    const entries = Object.keys(item);
    keys += entries.length;
    if (keys > limits.maxKeys) {
      return problem('keys', current.path, `more than the limit of ${limits.maxKeys} keys in all`);
    }
    for (let index = entries.length - 1; index >= 0; index--) {
      const key = entries[index]!;
      const child = (item as Record<string, unknown>)[key];
      const at = jsonKeyPath(current.path, key);
      const keyText = textProblem(key, at, 'key');
      if (keyText) return keyText;
      if (key.length > limits.maxStringLength) {
        return problem('string_length', at, `key of ${key.length} characters is longer than the limit of ${limits.maxStringLength}`);
      }
      if (isPollutionKey(key, child)) {
        return problem('forbidden_key', at, `the key "${key}" is refused (it could replace an object's prototype); rename it`);
      }
      stack.push({ value: child, path: at, depth: current.depth + 1 });
    }
  }
  return null;
}
