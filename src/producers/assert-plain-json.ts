/**
 * The run-time half of the boundary (the compile-time half is `JsonSafe`, in
 * src/dto): walks a value that is about to leave the session and throws
 * `NotPlainJsonError` at the first thing that is not plain JSON, naming its
 * path and what it is. Types can be bypassed (`any`, casts, JavaScript
 * callers, `Record<string, unknown>` JSON columns), so this always runs
 * before anything is written to the outbox.
 *
 * "Plain" means: what `JSON.parse(JSON.stringify(value))` gives back
 * unchanged. So it refuses what JSON.stringify would silently change or drop
 * (a Date, a Map, a class instance's prototype, a symbol key, a sparse array's
 * holes, a non-enumerable property, NaN, a property holding `undefined` —
 * whose key JSON drops, and which the zod schemas on the other side refuse),
 * what it would run (getters) and what it cannot write (BigInt, cycles).
 *
 * MikroORM objects are recognised by the global symbols MikroORM 7 marks them
 * with (`Symbol.for('@mikro-orm/core/…')`), and by MikroORM 6's `__helper` /
 * `__meta` / `__entity` fields, without importing the ORM, so the message
 * says which entity leaked and in what state: managed by an EntityManager,
 * an unloaded reference (only its primary key is set), a Collection.
 */
import { NotPlainJsonError } from './errors/not-plain-json-error.js';

const MAX_DEPTH = 64;

const ENTITY = Symbol.for('@mikro-orm/core/EntityHelper.entity');
const REFERENCE = Symbol.for('@mikro-orm/core/Reference');
const SCALAR_REFERENCE = Symbol.for('@mikro-orm/core/ScalarReference');
const COLLECTION = Symbol.for('@mikro-orm/core/Collection');

const DTO = 'copy the fields you need into a DTO';

export function assertPlainJson(value: unknown, path = 'data'): void {
  walk(value, path, new Map(), 0);
}

/** `ancestors`: the objects on the path from the root to here, with their paths (cycle detection; shared subtrees are fine). */
function walk(value: unknown, path: string, ancestors: Map<object, string>, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotPlainJsonError(path, `the number ${value}`, 'JSON turns it into null');
      return;
    case 'bigint':
      throw new NotPlainJsonError(path, 'a BigInt', 'JSON.stringify throws on it; send a string or a number');
    case 'function':
      throw new NotPlainJsonError(path, `a function${value.name ? ` (${value.name})` : ''}`, 'send data, not code');
    case 'symbol':
      throw new NotPlainJsonError(path, 'a symbol', 'send a string');
    case 'undefined':
      throw new NotPlainJsonError(path, 'undefined', 'use null');
  }
  if (value === null) return;
  const object = value as object;
  const first = ancestors.get(object);
  if (first !== undefined) throw new NotPlainJsonError(path, 'a circular reference', `back to ${first}; JSON.stringify throws on it`);
  if (depth >= MAX_DEPTH) throw new NotPlainJsonError(path, `nesting deeper than ${MAX_DEPTH} levels`, 'flatten it');
  const foreign = describeNonPlain(object);
  if (foreign) throw new NotPlainJsonError(path, foreign[0], foreign[1]);
  const symbols = Object.getOwnPropertySymbols(object);
  if (symbols.length > 0) {
    throw new NotPlainJsonError(`${path}[${String(symbols[0])}]`, 'a symbol-keyed property', 'JSON drops it; use a string key');
  }
  ancestors.set(object, path);
  if (Array.isArray(object)) walkArray(object, path, ancestors, depth);
  else walkObject(object, path, ancestors, depth);
  ancestors.delete(object);
}

function walkArray(array: readonly unknown[], path: string, ancestors: Map<object, string>, depth: number): void {
  for (let index = 0; index < array.length; index++) {
    const item = Object.getOwnPropertyDescriptor(array, index);
    const at = `${path}[${index}]`;
    if (!item) throw new NotPlainJsonError(at, 'a hole in a sparse array', 'JSON turns it into null; use null');
    if (!('value' in item)) throw new NotPlainJsonError(at, 'a getter', 'JSON.stringify would run it; copy its value');
    if (item.value === undefined) throw new NotPlainJsonError(at, 'undefined in an array', 'JSON turns it into null; use null');
    walk(item.value, at, ancestors, depth + 1);
  }
  const extra = Object.keys(array).find((key) => !/^(0|[1-9]\d*)$/.test(key));
  if (extra !== undefined) throw new NotPlainJsonError(keyPath(path, extra), 'a non-index property on an array', 'JSON drops it');
}

function walkObject(object: object, path: string, ancestors: Map<object, string>, depth: number): void {
  // Descriptors, not Object.entries: reading a getter would run it (an ORM
  // lazy loader, a proxy trap) and JSON.stringify would too, at send time.
  for (const [key, property] of Object.entries(Object.getOwnPropertyDescriptors(object))) {
    const at = keyPath(path, key);
    if (key === '__proto__') {
      throw new NotPlainJsonError(at, 'a "__proto__" key', 'code that merges the payload into an object could have its prototype replaced; rename it');
    }
    if (!('value' in property)) throw new NotPlainJsonError(at, 'a getter/setter property', 'JSON.stringify would run it; copy its value');
    if (!property.enumerable) throw new NotPlainJsonError(at, 'a non-enumerable property', 'JSON drops it');
    if (property.value === undefined) throw new NotPlainJsonError(at, 'undefined', 'JSON drops the key; use null or leave the key out');
    walk(property.value, at, ancestors, depth + 1);
  }
}

/** `data.owner`, or `data["two words"]` when the key is not an identifier. */
function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

type Found = [found: string, hint: string];

/** What an object is when it is not a plain object or array; `null` when it is one. */
function describeNonPlain(object: object): Found | null {
  const orm = describeMikroOrm(object);
  if (orm) return orm;
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) return null;
  if (proto === Array.prototype && Array.isArray(object)) return null;
  if (object instanceof Date) return ['a Date', 'send an ISO string; the schema turns it back into a Date'];
  if (object instanceof Map || object instanceof WeakMap) return ['a Map', 'send an object or an array of pairs'];
  if (object instanceof Set || object instanceof WeakSet) return ['a Set', 'send an array'];
  if (object instanceof Promise) return ['a Promise', 'await it first'];
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return ['binary data', 'send it as a base64 string'];
  return [`an instance of ${constructorName(object)}`, `JSON keeps its fields but not its class; ${DTO}`];
}

function describeMikroOrm(object: object): Found | null {
  const any = object as Record<PropertyKey, unknown>;
  if (Object.hasOwn(object, REFERENCE)) {
    const reference = object as { unwrap(): object; isInitialized(): boolean };
    const state = reference.isInitialized() ? 'loaded' : 'not loaded: only its primary key is known';
    return [`MikroORM Reference to ${constructorName(reference.unwrap())}`, `${state}; ${DTO}`];
  }
  if (Object.hasOwn(object, SCALAR_REFERENCE)) return ['a MikroORM ScalarReference', 'send its loaded value'];
  if (Object.hasOwn(object, COLLECTION) || constructorName(object) === 'Collection') {
    const collection = object as { owner?: object; isInitialized(): boolean };
    const owner = collection.owner ? ` of ${constructorName(collection.owner)}` : '';
    const state = collection.isInitialized() ? 'initialized' : 'not initialized';
    return [`MikroORM Collection${owner}`, `${state}; map its items to DTOs`];
  }
  if (any[ENTITY] === true || '__helper' in object || '__meta' in object || '__entity' in object) {
    return [`MikroORM entity ${constructorName(object)}`, `${entityState(object)}; ${DTO}`];
  }
  return null;
}

/** From the entity's own helper (MikroORM's WrappedEntity), without importing MikroORM. */
function entityState(entity: object): string {
  const helper = (entity as { __helper?: { __initialized?: boolean; __managed?: boolean } }).__helper;
  if (helper?.__initialized === false) return 'an unloaded reference: only its primary key is set';
  if (helper?.__managed) return 'managed by an EntityManager';
  return 'an entity instance';
}

function constructorName(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'an anonymous class';
}
