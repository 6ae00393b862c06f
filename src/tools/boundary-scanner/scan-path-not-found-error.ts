/**
 * The path given to `check-boundary` does not exist. The command exits with
 * code 2 (usage error) rather than 1, so CI can tell "nothing was scanned"
 * from "boundary violations found".
 */
export class ScanPathNotFoundError extends Error {
  constructor(readonly scanPath: string) {
    super(`path does not exist: ${scanPath}`);
    this.name = this.constructor.name;
  }
}
