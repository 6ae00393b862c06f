/** Checked-in migrations, in order. Listed explicitly so they run the same from TypeScript sources and tests. */
import { Migration20261128000000_initial } from './Migration20261128000000_initial.js';
import { Migration20261201120000_outcome_quarantine } from './Migration20261201120000_outcome_quarantine.js';
import { Migration20261201160000_run_control } from './Migration20261201160000_run_control.js';
import { Migration20261201160100_schedules } from './Migration20261201160100_schedules.js';
import { Migration20261202100000_generic_runs } from './Migration20261202100000_generic_runs.js';
import { Migration20261202110000_run_outbox } from './Migration20261202110000_run_outbox.js';
import { Migration20261202120000_keyset_indexes } from './Migration20261202120000_keyset_indexes.js';

export const migrationsList = [
  { name: 'Migration20261128000000_initial', class: Migration20261128000000_initial },
  { name: 'Migration20261201120000_outcome_quarantine', class: Migration20261201120000_outcome_quarantine },
  { name: 'Migration20261201160000_run_control', class: Migration20261201160000_run_control },
  { name: 'Migration20261201160100_schedules', class: Migration20261201160100_schedules },
  { name: 'Migration20261202100000_generic_runs', class: Migration20261202100000_generic_runs },
  { name: 'Migration20261202110000_run_outbox', class: Migration20261202110000_run_outbox },
  { name: 'Migration20261202120000_keyset_indexes', class: Migration20261202120000_keyset_indexes },
];
