/**
 * What `extract` sees: the loaded entity behind a guard, so that reading a
 * relation the spawnable did not populate throws `RelationNotLoadedError`
 * naming the relation and the populate hint to add — instead of MikroORM's
 * "Reference<Customer> 1 not initialized", or, for a relation that is not a
 * `Ref`, fields silently reading as `undefined`. The primary key of an
 * unloaded relation stays readable (it is in the row), and populated
 * relations are guarded the same way one level further down.
 *
 * The `Loaded<>` type refuses such a read at compile time; this is the run
 * time check for what a cast or an `any` let through.
 */
import { Collection, Reference, wrap, type EntityClass, type EntityMetadata, type MetadataStorage } from '@mikro-orm/core';
import { RelationNotLoadedError } from './errors/relation-not-loaded-error.js';

/** Members of a Reference that read the target entity. */
const REFERENCE_READS = new Set<PropertyKey>(['$', 'get', 'getEntity', 'getProperty', 'unwrap', 'toJSON']);
/** Members of a Collection that do not read its items. */
const COLLECTION_SAFE = new Set<PropertyKey>(['isInitialized', 'owner', 'property', 'constructor']);

export interface GuardContext {
  metadata: MetadataStorage;
  subjectId: string;
  subject: string;
}

function refuse(ctx: GuardContext, path: string): never {
  throw new RelationNotLoadedError(ctx.subjectId, path, ctx.subject);
}

function isInitializedEntity(value: object): boolean {
  return wrap(value, true).isInitialized();
}

function metaOf(ctx: GuardContext, entity: object): EntityMetadata | undefined {
  try {
    return ctx.metadata.find((entity as { constructor: EntityClass }).constructor);
  } catch {
    return undefined;
  }
}

/** An unloaded relation: its primary key (and Reference bookkeeping) reads, its fields throw. */
function unloaded(ctx: GuardContext, value: object, path: string, pks: readonly string[]): object {
  if (value instanceof Collection) {
    return new Proxy(value, { get: (target, prop) => (COLLECTION_SAFE.has(prop) ? (Reflect.get(target, prop, target) as unknown) : refuse(ctx, path)) });
  }
  if (Reference.isReference(value)) {
    return new Proxy(value, { get: (target, prop) => (REFERENCE_READS.has(prop) ? refuse(ctx, path) : (Reflect.get(target, prop, target) as unknown)) });
  }
  return new Proxy(value, {
    get: (target, prop) =>
      typeof prop === 'symbol' || pks.includes(prop) || prop === 'constructor' || prop === 'toJSON'
        ? (Reflect.get(target, prop, target) as unknown)
        : refuse(ctx, path),
  });
}

/** A loaded relation's entity, guarded one level further down. */
function loadedValue(ctx: GuardContext, value: object, path: string): object {
  if (value instanceof Collection) return value;
  if (Reference.isReference(value)) {
    return new Proxy(value, {
      get: (target, prop) => {
        if (prop === '$' || prop === 'getEntity' || prop === 'unwrap')
          return prop === '$' ? guard(ctx, target.unwrap(), path) : () => guard(ctx, target.unwrap(), path);
        if (prop === 'get') return () => guard(ctx, target.unwrap(), path);
        return Reflect.get(target, prop, target) as unknown;
      },
    });
  }
  return guard(ctx, value, path);
}

/** The entity behind a guard (see the module's doc). */
export function guard<T extends object>(ctx: GuardContext, entity: T, prefix = ''): T {
  const meta = metaOf(ctx, entity);
  if (!meta || meta.relations.length === 0) return entity;
  const relations = new Map(meta.relations.map((prop) => [prop.name, prop]));
  return new Proxy(entity, {
    get: (target, prop, receiver) => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || value === null || typeof value !== 'object') return value;
      const relation = relations.get(prop);
      if (!relation) return value;
      const path = prefix ? `${prefix}.${prop}` : prop;
      const initialized =
        value instanceof Collection ? value.isInitialized() : Reference.isReference(value) ? value.isInitialized() : isInitializedEntity(value);
      return initialized ? loadedValue(ctx, value, path) : unloaded(ctx, value, path, relation.targetMeta?.primaryKeys ?? []);
    },
  });
}

/**
 * Every populated relation of a loaded entity is initialized: what `find`
 * with `populate` promises, checked before `extract` (a relation whose target
 * row is missing, a filter that hid it…). Throws RelationNotLoadedError.
 */
export function assertPopulated(ctx: GuardContext, entity: object, paths: readonly string[]): void {
  for (const path of paths) {
    let current: unknown = entity;
    const done: string[] = [];
    for (const part of path.split('.')) {
      if (current === null || current === undefined) break;
      if (current instanceof Collection) break; // items of a populated collection are checked by the ORM's own load
      let value: unknown = (current as Record<string, unknown>)[part.replace(/:ref$/, '')];
      done.push(part);
      if (value === null || value === undefined || typeof value !== 'object') {
        current = value;
        continue;
      }
      const initialized =
        value instanceof Collection ? value.isInitialized() : Reference.isReference(value) ? value.isInitialized() : isInitializedEntity(value);
      if (!initialized && !part.endsWith(':ref')) refuse(ctx, done.join('.'));
      if (Reference.isReference(value)) value = value.unwrap();
      current = value;
    }
  }
}
