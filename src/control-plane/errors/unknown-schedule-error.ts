/** No schedule has this name. */
export class UnknownScheduleError extends Error {
  constructor(readonly schedule: string) {
    super(`unknown schedule: ${schedule}`);
    this.name = this.constructor.name;
  }
}
