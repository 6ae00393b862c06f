import { NyxError } from '../shared/errors/nyx-error.js';

/** A command was called with arguments that do not fit together (`nyx dlq redrive` with neither a run id nor --all). Exit code 2. */
export class UsageError extends NyxError {
  readonly code = 'usage';
  readonly kind = 'input';
}
