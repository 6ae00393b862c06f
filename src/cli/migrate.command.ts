import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { action } from './exit.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the checked-in database migrations (DATABASE_URL, or PGlite under NYX_DATA_DIR)')
    .action(
      action(async () => {
        const config = loadConfig();
        const applied = await migrate({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
}
