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
import { DatabaseMissingError } from './database-missing-error.js';
import { migrationsList } from './migrations/index.js';
import { PendingMigrationsError } from './pending-migrations-error.js';

export { DatabaseMissingError, PendingMigrationsError };

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
      // MikroORM would create a missing database on connect: a mistyped name must be an error instead.
      ensureDatabase: false,
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

/** PostgreSQL's "database does not exist" (SQLSTATE 3D000), however MikroORM wrapped it. */
function isMissingDatabase(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '3D000') return true;
  }
  return false;
}

function databaseName(orm: Orm): string {
  return orm.config.get('dbName') ?? '(unnamed)';
}

/**
 * The checked-in migrations not applied yet. Reads the migrations table
 * directly rather than through the migrator, which would create the table
 * (and the database) when missing: a check changes nothing.
 * @throws DatabaseMissingError when the database does not exist
 */
export async function pendingMigrations(orm: Orm): Promise<string[]> {
  try {
    return await readPendingMigrations(orm.em.fork());
  } catch (error) {
    if (isMissingDatabase(error)) throw new DatabaseMissingError(databaseName(orm), { cause: error });
    throw error;
  }
}

/** `pendingMigrations` through any EntityManager of the database (the readiness probe's). */
export async function readPendingMigrations(em: SqlEntityManager): Promise<string[]> {
  const applied = new Set<string>();
  const [table] = await em.execute<{ exists: boolean }[]>(`select to_regclass('mikro_orm_migrations') is not null as exists`);
  if (table?.exists) {
    for (const row of await em.execute<{ name: string }[]>('select name from mikro_orm_migrations')) {
      applied.add(row.name.replace(/\.[jt]s$/, ''));
    }
  }
  return migrationsList.map((m) => m.name).filter((name) => !applied.has(name));
}

/**
 * Refuses a database that does not exist or lacks migrations, in one line
 * naming what to run (commands that read or write nyx's tables call it first).
 */
export async function assertMigrated(orm: Orm): Promise<void> {
  const pending = await pendingMigrations(orm);
  if (pending.length > 0) throw new PendingMigrationsError(databaseName(orm), pending);
}

export interface MigrateOptions {
  /** Create the database when it does not exist (MikroORM's ensureDatabase). @defaultValue false */
  createDatabase?: boolean;
}

/** Applies every pending checked-in migration; returns the names applied. */
export async function migrateUp(orm: Orm, options: MigrateOptions = {}): Promise<string[]> {
  // MikroORM's migrator creates a missing database before migrating; only when asked.
  if (!options.createDatabase) await pendingMigrations(orm);
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
