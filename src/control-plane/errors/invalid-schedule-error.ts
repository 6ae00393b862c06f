/** A schedule that cannot work (bad name, cron expression, time zone or task ids). Nothing is written. */
export class InvalidScheduleError extends Error {
  constructor(
    readonly schedule: string,
    readonly problem: string,
  ) {
    super(`schedule "${schedule}": ${problem}`);
    this.name = this.constructor.name;
  }
}
