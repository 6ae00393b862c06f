import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * The `runAt` or `delayMs` given to a spawn call cannot be used (both given,
 * not a valid date, a negative or fractional delay). Raised before anything
 * is read or written.
 */
export class InvalidSpawnTimeError extends NyxError {
  readonly code = 'invalid_spawn_time';
  readonly kind = 'input' as const;
  constructor(readonly problem: string) {
    super(`spawn time: ${problem}`);
  }
}
