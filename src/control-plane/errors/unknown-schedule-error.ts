import { NyxError } from '../../shared/errors/nyx-error.js';
/** No schedule has this name. */
export class UnknownScheduleError extends NyxError {
  readonly code = 'unknown_schedule';
  readonly kind = 'not_found' as const;
  constructor(readonly schedule: string) {
    super(`unknown schedule: ${schedule}`);
  }
}
