/**
 * The `runAt` or `delayMs` given to a spawn call cannot be used (both given,
 * not a valid date, a negative or fractional delay). Raised before anything
 * is read or written.
 */
export class InvalidSpawnTimeError extends TypeError {
  constructor(readonly problem: string) {
    super(`spawn time: ${problem}`);
    this.name = this.constructor.name;
  }
}
