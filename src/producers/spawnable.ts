/**
 * A spawnable: a contract bound to a MikroORM entity. It says which entity a
 * spawn's ids name, which relations to load with it (`populate`), and how to
 * copy a loaded entity into the contract's data (`extract`). `extract`
 * takes `Loaded<Entity, populate>`: reading a relation not in `populate` is a
 * compile error (with `Ref` relations, `.ref()`), and at run time a
 * `RelationNotLoadedError` naming the relation and the hint to add.
 *
 * nyx does the rest (spawn.ts): forks, loads by primary key in a constant
 * number of statements per batch, checks the populated relations are
 * initialized, validates against the contract, refuses what is not plain
 * JSON (naming the path), and writes runs and outbox rows in one transaction.
 */
import type { AutoPath, EntityClass, Loaded } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { NYX_ERROR } from '../shared/errors/nyx-error.js';
import type { Contract, ContractData, ContractWire, JsonValue } from '../dto/index.js';

export interface SpawnableSpec<E extends object, P extends string, C extends Contract> {
  /** Registered name (`/^[a-z][a-z0-9-]{0,63}$/`): recorded on each run, used by the API and `nyx spawn --spawnable`. */
  readonly name: string;
  /** The contract of the payloads it writes. */
  readonly contract: C;
  /** The entity a spawn's ids name (by primary key; one-column keys only). */
  readonly entity: EntityClass<E>;
  /** Relations to load with it; `extract` may read these and no others. @defaultValue [] */
  readonly populate?: readonly AutoPath<E, P>[];
  /** Copies a loaded entity into the contract's data (codecs' decoded form: Dates, not strings). */
  extract(loaded: Loaded<E, P>): ContractData<C>;
  /**
   * Merges a spawn's extra `metadata` into a payload's wire data.
   * @defaultValue none: a spawn with `metadata` is refused for this spawnable
   */
  mergeMetadata?(wire: ContractWire<C>, extra: Record<string, JsonValue>): ContractWire<C>;
  /** What its ids are called in errors (`unknown Invoice id: …`). @defaultValue the entity's class name */
  readonly subject?: string;
  /** @internal the built-in spawnable's subjects are also written to `workflow_run.task_id`. */
  readonly recordsTaskId?: boolean;
  /**
   * Turns an error of the load into a clearer one (the built-in spawnable
   * names a task whose stored metadata is too deep to hydrate); null: keep it.
   * @defaultValue none
   */
  explainLoadError?(em: SqlEntityManager, ids: readonly string[], error: unknown): Promise<Error | null>;
}

/** What `defineSpawnable` returns (its types erased: the registry holds spawnables of any entity). */
export interface Spawnable<E extends object = object, C extends Contract = Contract> {
  readonly name: string;
  readonly contract: C;
  readonly entity: EntityClass<E>;
  readonly populate: readonly string[];
  readonly subject: string;
  extract(loaded: E): ContractData<C>;
  mergeMetadata?(wire: ContractWire<C>, extra: Record<string, JsonValue>): ContractWire<C>;
  explainLoadError?(em: SqlEntityManager, ids: readonly string[], error: unknown): Promise<Error | null>;
  /** The built-in spawnable's subjects are also written to `workflow_run.task_id` (the /tasks routes read it). */
  readonly recordsTaskId?: boolean;
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** A spawnable that cannot be built (bad name, no entity…): thrown by `defineSpawnable`. */
export class InvalidSpawnableError extends TypeError {
  readonly code = 'invalid_spawnable';
  readonly kind = 'input' as const;
  readonly [NYX_ERROR] = true as const;

  constructor(
    readonly spawnable: string,
    reason: string,
  ) {
    super(`spawnable "${spawnable}": ${reason}`);
    this.name = this.constructor.name;
  }
}

export function defineSpawnable<E extends object, C extends Contract, P extends string = never>(spec: SpawnableSpec<E, P, C>): Spawnable<E, C> {
  if (!NAME.test(spec.name)) throw new InvalidSpawnableError(String(spec.name), 'the name must be lower-case letters, digits and dashes');
  if (typeof spec.entity !== 'function') throw new InvalidSpawnableError(spec.name, 'entity is not an entity class');
  if (typeof spec.extract !== 'function') throw new InvalidSpawnableError(spec.name, 'extract is not a function');
  if (!spec.contract || typeof spec.contract.route !== 'function') throw new InvalidSpawnableError(spec.name, 'contract is not what defineContract returns');
  return Object.freeze({
    name: spec.name,
    contract: spec.contract,
    entity: spec.entity,
    populate: [...(spec.populate ?? [])] as string[],
    subject: spec.subject ?? spec.entity.name,
    extract: (loaded: E) => spec.extract(loaded as Loaded<E, P>),
    ...(spec.mergeMetadata ? { mergeMetadata: (wire: ContractWire<C>, extra: Record<string, JsonValue>) => spec.mergeMetadata!(wire, extra) } : {}),
    ...(spec.explainLoadError
      ? { explainLoadError: (em: SqlEntityManager, ids: readonly string[], error: unknown) => spec.explainLoadError!(em, ids, error) }
      : {}),
    ...(spec.recordsTaskId ? { recordsTaskId: true } : {}),
  });
}
