/**
 * `migrate`: applies nyx's checked-in migrations (its run and outbox tables)
 * to a database, on a short connection of its own, so an application can run
 * it at deploy time next to its own migrations. Idempotent: applied
 * migrations are recorded (MikroORM's `mikro_orm_migrations` table) and
 * skipped. Your own migrator may share that table: it runs only the
 * migrations it lists.
 */
import { migrateUp, openOrm, type OrmOptions } from './orm.js';

export type MigrateOptions = Pick<OrmOptions, 'databaseUrl' | 'pgliteDataDir'>;

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const orm = await openOrm(options);
  try {
    return await migrateUp(orm);
  } finally {
    await orm.close();
  }
}
