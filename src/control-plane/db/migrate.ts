/**
 * `migrate`: applies nyx's checked-in migrations (its run and outbox tables)
 * to a database, on a short connection of its own, so an application can run
 * it at deploy time next to its own migrations. Idempotent: applied
 * migrations are recorded (MikroORM's `mikro_orm_migrations` table) and
 * skipped. Your own migrator may share that table: it runs only the
 * migrations it lists.
 */
import { migrateUp, openOrm, type OrmOptions } from './orm.js';

export type MigrateOptions = Pick<OrmOptions, 'databaseUrl' | 'pgliteDataDir'> & {
  /** Create the database when it does not exist; otherwise a missing database is a DatabaseMissingError. @defaultValue false */
  createDatabase?: boolean;
};

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const { createDatabase = false, ...connection } = options;
  const orm = await openOrm(connection);
  try {
    return await migrateUp(orm, { createDatabase });
  } finally {
    await orm.close();
  }
}
