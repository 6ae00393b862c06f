import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * The database named by DATABASE_URL does not exist. Thrown before anything
 * is written: nyx never creates a database unless asked
 * (`nyx migrate --create-database`), so a mistyped name is an error, not a
 * new empty database. The CLI exits 2 (bad configuration).
 */
export class DatabaseMissingError extends NyxError {
  readonly code = 'database_missing';
  readonly kind = 'input' as const;

  constructor(
    readonly database: string,
    options?: { cause?: unknown },
  ) {
    super(`database "${database}" does not exist (check DATABASE_URL, or create it: \`nyx migrate --create-database\`)`, options);
  }
}
