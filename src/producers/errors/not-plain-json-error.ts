/**
 * A value bound for a job is not plain JSON (an ORM entity, a Reference, a
 * Collection, a class instance, a function, a BigInt, a cycle…). Raised before
 * anything is written to the outbox; names the JSON path and what was found.
 */
export class NotPlainJsonError extends Error {
  constructor(
    readonly path: string,
    readonly found: string,
  ) {
    super(`${path}: ${found} is not plain JSON — copy the fields you need into a DTO`);
    this.name = this.constructor.name;
  }
}
