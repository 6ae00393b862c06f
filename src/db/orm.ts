/**
 * Opens the control plane's MikroORM: PostgreSQL when DATABASE_URL is set,
 * embedded PGlite otherwise (possible because only the control plane ever
 * touches the database). Entities are listed explicitly; migrations are
 * checked in and applied by `nyx migrate` (or `migrateUp` in the demo), never
 * by `schema.update` at run time.
 */
import type { MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { entities } from '../entities/index.js';
import { migrationsList } from './migrations/index.js';

export type Orm = MikroORM & { em: SqlEntityManager };

export interface OrmOptions {
  /** postgresql:// URL; without it PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory` for nothing on disk. @defaultValue memory */
  pgliteDataDir?: string | undefined;
  /** Pool size for PostgreSQL. @defaultValue 10 */
  poolMax?: number;
  /** Print every SQL statement (or hand them to a callback, as tests do to count them). */
  onQuery?: (sql: string) => void;
}

export async function openOrm(options: OrmOptions): Promise<Orm> {
  const common = {
    entities,
    extensions: [Migrator],
    // No schema snapshot files: migrations are written by hand and checked in.
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    debug: options.onQuery ? ['query' as const] : false,
    logger: options.onQuery ?? (() => {}),
    colors: false,
    // Relations are loaded only when asked for: the point of this project.
    forceUndefined: false,
    allowGlobalContext: false,
    // An uncommitted flush of something unexpected would hide a bug; we write through explicit calls.
    validate: true,
  };
  if (options.databaseUrl) {
    const { MikroORM: PgOrm } = await import('@mikro-orm/postgresql');
    // Not redundant: the driver-specific MikroORM type is narrowed to the entity list `Orm` names.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    return (await PgOrm.init({
      ...common,
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
    })) as unknown as Orm;
  }
  const { MikroORM: PgliteOrm } = await import('@mikro-orm/pglite');
  const dataDir = options.pgliteDataDir ?? 'memory';
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- as above
  return (await PgliteOrm.init({
    ...common,
    dbName: dataDir === 'memory' ? 'memory://' : dataDir,
  })) as unknown as Orm;
}

/** Applies every pending checked-in migration; returns the names applied. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
