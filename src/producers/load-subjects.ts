/**
 * Loads one batch of a spawnable's subjects by primary key, with its
 * populate, in a constant number of statements however many ids: one SELECT
 * for the entities and, with `select-in`, one more per populated relation
 * (each related row is hydrated once per distinct parent, not once per
 * child, as a join would repeat it) — never one per subject.
 *
 * Ids come in as text: uuid keys are checked and lower-cased (the form the
 * database returns, so ids compare as strings); ids that match no row are
 * refused all at once (UnknownTaskError, naming the spawnable's subject).
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { isUuid, normalizeUuid } from '../dto/uuid.js';
import { UnknownTaskError } from './errors/unknown-task-error.js';
import { InvalidSpawnableError, type Spawnable } from './spawnable.js';

/** Ids per SELECT: keeps the statement well under PostgreSQL's 65,535 parameters. */
export const LOAD_CHUNK_SIZE = 5_000;

export interface SubjectKey {
  /** The primary key's property name. */
  property: string;
  /** Normalizes requested ids (uuid keys: lower case); throws UnknownTaskError for malformed ones. */
  normalize(ids: readonly string[]): string[];
}

/** The spawnable's primary key, as `em`'s metadata knows it. */
export function subjectKeyOf(em: SqlEntityManager, spawnable: Spawnable): SubjectKey {
  const meta = em.getMetadata().find(spawnable.entity);
  if (!meta) {
    throw new InvalidSpawnableError(spawnable.name, `entity ${spawnable.entity.name} is not in this EntityManager's ORM config (add it to its entities)`);
  }
  if (meta.primaryKeys.length !== 1) throw new InvalidSpawnableError(spawnable.name, `entity ${meta.className} has a composite primary key`);
  const property = String(meta.primaryKeys[0]);
  const prop = (meta.properties as Record<string, { type?: unknown; columnTypes?: readonly string[] } | undefined>)[property];
  const uuid = (typeof prop?.type === 'string' && prop.type.toLowerCase() === 'uuid') || prop?.columnTypes?.[0]?.toLowerCase() === 'uuid';
  return {
    property,
    normalize: (ids) => {
      const malformed = uuid ? ids.filter((id) => !isUuid(id)) : ids.filter((id) => typeof id !== 'string' || id.length === 0);
      if (malformed.length > 0) throw new UnknownTaskError(malformed, spawnable.subject);
      return uuid ? ids.map((id) => normalizeUuid(id)!) : [...ids];
    },
  };
}

/** Loads `ids` (already normalized) in their order; throws UnknownTaskError for ids with no row. */
export async function loadSubjects(em: SqlEntityManager, spawnable: Spawnable, key: SubjectKey, ids: readonly string[]): Promise<object[]> {
  const loaded: object[] = [];
  for (let i = 0; i < ids.length; i += LOAD_CHUNK_SIZE) {
    const chunk = ids.slice(i, i + LOAD_CHUNK_SIZE);
    try {
      const found = await em.find(
        spawnable.entity,
        { [key.property]: { $in: chunk } },
        {
          populate: spawnable.populate as never,
          strategy: 'select-in',
        },
      );
      loaded.push(...found);
    } catch (error) {
      const explained = spawnable.explainLoadError ? await spawnable.explainLoadError(em, chunk, error) : null;
      throw explained ?? error;
    }
  }
  const byId = new Map(loaded.map((entity) => [String((entity as Record<string, unknown>)[key.property]), entity]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new UnknownTaskError([...new Set(missing)], spawnable.subject);
  // Same order as asked, so runs are created (and their jobs relayed) in that order.
  return ids.map((id) => byId.get(id)!);
}
