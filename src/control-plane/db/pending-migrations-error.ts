import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * The database lacks some of nyx's checked-in migrations. `nyx start`,
 * `nyx spawn` and `nyx dlq` refuse to run then (every query would fail on a
 * missing table or column); the CLI exits 2 with this one line.
 */
export class PendingMigrationsError extends NyxError {
  readonly code = 'pending_migrations';
  readonly kind = 'input' as const;

  constructor(
    readonly database: string,
    readonly pending: readonly string[],
  ) {
    super(
      `database "${database}" has ${pending.length} pending migration(s) (${pending.join(', ')}): ` +
        'run `nyx migrate` first (or start with `nyx start --migrate`)',
    );
  }
}
