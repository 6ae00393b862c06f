import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { migrateUp, openOrm } from '../db/orm.js';
import { action } from './exit.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the checked-in database migrations (DATABASE_URL, or PGlite under NYX_DATA_DIR)')
    .option('--create-database', 'create the database first if it does not exist (otherwise a missing database is an error)')
    .action(
      action(async (opts: { createDatabase?: boolean }) => {
        const config = loadConfig();
        const orm = await openOrm({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.NYX_DATA_DIR });
        try {
          const applied = await migrateUp(orm, { createDatabase: Boolean(opts.createDatabase) });
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
        } finally {
          await orm.close();
        }
      }),
    );
}
