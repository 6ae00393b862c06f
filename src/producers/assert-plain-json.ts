/**
 * The run-time half of the boundary: walks a value that is about to leave the
 * session and throws `NotPlainJsonError` at the first thing that is not plain
 * JSON, naming its path. Entities are recognised by MikroORM's helper marker
 * (`__helper`) or `__meta`, references and collections by their class, so the
 * message says what leaked, not just "object".
 */
import { NotPlainJsonError } from './errors/not-plain-json-error.js';

const MAX_DEPTH = 64;

function describe(value: object): string {
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
  if ('__helper' in value || '__meta' in value) return `MikroORM entity ${ctor}`;
  if (ctor === 'Reference' || ctor === 'ScalarReference') return `MikroORM ${ctor}`;
  if (ctor === 'Collection') return 'MikroORM Collection';
  return `instance of ${ctor}`;
}

export function assertPlainJson(value: unknown, path = 'data'): void {
  walk(value, path, new Set(), 0);
}

function walk(value: unknown, path: string, seen: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotPlainJsonError(path, `number ${value}`);
      return;
    case 'bigint':
      throw new NotPlainJsonError(path, 'BigInt');
    case 'function':
      throw new NotPlainJsonError(path, 'function');
    case 'symbol':
      throw new NotPlainJsonError(path, 'symbol');
    case 'undefined':
      throw new NotPlainJsonError(path, 'undefined');
  }
  if (value === null) return;
  const object = value as object;
  if (depth > MAX_DEPTH) throw new NotPlainJsonError(path, `nesting deeper than ${MAX_DEPTH}`);
  if (seen.has(object)) throw new NotPlainJsonError(path, 'circular reference');
  if (value instanceof Date) throw new NotPlainJsonError(path, 'Date (send an ISO string through the schema)');
  const proto = Object.getPrototypeOf(object);
  const isArray = Array.isArray(object);
  if (!isArray && proto !== Object.prototype && proto !== null) throw new NotPlainJsonError(path, describe(object));
  seen.add(object);
  if (isArray) {
    (object as unknown[]).forEach((item, index) => walk(item, `${path}[${index}]`, seen, depth + 1));
  } else {
    for (const [key, item] of Object.entries(object)) {
      if (key === '__proto__') throw new NotPlainJsonError(`${path}.${key}`, 'a "__proto__" key');
      walk(item, `${path}.${key}`, seen, depth + 1);
    }
  }
  seen.delete(object);
}
