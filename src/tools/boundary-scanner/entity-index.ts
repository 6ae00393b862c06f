/**
 * The entities a scanned project declares, keyed both by declaration node
 * (precise: what an identifier resolves to) and by name (fallback when an
 * import could not be resolved, e.g. through a path alias).
 */
import type ts from 'typescript';

export type RelationKind = 'm:1' | '1:1' | '1:m' | 'm:n';

export interface RelationInfo {
  name: string;
  kind: RelationKind;
  /** Target as written (`Project`, `ProjectSchema`, `'Project'`); look it up with `relationTarget`. */
  target: string | undefined;
  /** Eager relations are always loaded, so reading through them is fine. */
  eager: boolean;
}

export interface EntityInfo {
  /** The entity name MikroORM uses (class name, or `name:` of a schema). */
  name: string;
  fileName: string;
  relations: Map<string, RelationInfo>;
  /** Primary key property names; readable on an unloaded reference. Defaults to `id`. */
  primaryKeys: Set<string>;
}

export interface EntityIndex {
  /** Entity name and every other name the project gives it (class, schema constant, type alias). */
  byName: Map<string, EntityInfo>;
  /** Class declarations, schema constants, type aliases/interfaces that denote an entity. */
  declarations: Map<ts.Node, EntityInfo>;
  /** Files that declare at least one entity ("entity modules"). */
  entityFiles: Set<string>;
}

export function createEntityIndex(): EntityIndex {
  return { byName: new Map(), declarations: new Map(), entityFiles: new Set() };
}

export function newEntity(name: string, fileName: string): EntityInfo {
  return { name, fileName, relations: new Map(), primaryKeys: new Set() };
}

/** Records `declaration` (and its `names`) as denoting `entity`. */
export function registerEntity(index: EntityIndex, entity: EntityInfo, declaration: ts.Node, ...names: string[]): void {
  index.declarations.set(declaration, entity);
  index.entityFiles.add(entity.fileName);
  for (const name of [entity.name, ...names]) if (!index.byName.has(name)) index.byName.set(name, entity);
}

export function relationTarget(index: EntityIndex, relation: RelationInfo): EntityInfo | undefined {
  return relation.target === undefined ? undefined : index.byName.get(relation.target);
}

export function primaryKeysOf(entity: EntityInfo | undefined): ReadonlySet<string> {
  return entity && entity.primaryKeys.size > 0 ? entity.primaryKeys : new Set(['id']);
}
