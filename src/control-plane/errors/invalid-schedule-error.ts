import { NyxError } from '../../shared/errors/nyx-error.js';
/** A schedule that cannot work (bad name, cron expression, time zone or task ids). Nothing is written. */
export class InvalidScheduleError extends NyxError {
  readonly code = 'invalid_schedule';
  readonly kind = 'input' as const;
  constructor(
    readonly schedule: string,
    readonly problem: string,
  ) {
    super(`schedule "${schedule}": ${problem}`);
  }
}
