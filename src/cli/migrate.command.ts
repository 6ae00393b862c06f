import type { Command } from 'commander';
import { loadConfig } from '../shared/config/config.js';
import { migrate } from '../control-plane/db/migrate.js';
import { action } from './exit.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the checked-in database migrations (DATABASE_URL, or PGlite under NYX_DATA_DIR)')
    .option('--create-database', 'create the database first if it does not exist (otherwise a missing database is an error)')
    .action(
      action(async (opts: { createDatabase?: boolean }) => {
        const config = loadConfig();
        const applied = await migrate({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir, createDatabase: Boolean(opts.createDatabase) });
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
}
