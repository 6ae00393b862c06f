/**
 * The application's MikroORM config. The one line nyx needs is in `entities`:
 * `...nyxEntities` (its run and outbox tables, and its built-in pair). nyx's
 * tables come from nyx's own migrations (`migrate()` in main.ts); this
 * migrator runs the application's.
 */
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { nyxEntities } from 'nyx-orchestrator';
import { Migration20261201000000_reminder } from './migrations/Migration20261201000000_reminder.js';
import { Person, Reminder } from './reminder.entity.js';

export function ormConfig(clientUrl: string) {
  return defineConfig({
    clientUrl,
    entities: [Person, Reminder, ...nyxEntities],
    extensions: [Migrator],
    migrations: {
      migrationsList: [{ name: 'Migration20261201000000_reminder', class: Migration20261201000000_reminder }],
      tableName: 'reminders_migrations',
      snapshot: false,
      silent: true,
    },
  });
}
