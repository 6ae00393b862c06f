import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { migrateUp, openOrm } from '../db/orm.js';
import { action } from './exit.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the checked-in database migrations (DATABASE_URL, or PGlite under NYX_DATA_DIR)')
    .action(
      action(async () => {
        const config = loadConfig();
        const orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
        try {
          const applied = await migrateUp(orm);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
        } finally {
          await orm.close();
        }
      }),
    );
}
