import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * A value bound for a job is not plain JSON (an ORM entity, a Reference, a
 * Collection, a class instance, a function, a BigInt, a cycle…). Raised before
 * anything is written to the outbox; names the JSON path, what was found and
 * what to do instead, e.g.
 * `metadata.owner: MikroORM entity MotivationalState is not plain JSON (managed by an EntityManager; copy the fields you need into a DTO)`.
 */
export class NotPlainJsonError extends NyxError {
  readonly code = 'not_plain_json';
  readonly kind = 'input';

  constructor(
    /** Where, from the root the caller named: `metadata.owner`, `payload.data.tags[2]`. */
    readonly path: string,
    /** What was found there: `MikroORM entity MotivationalState`, `a Date`, … */
    readonly found: string,
    /** Why it is refused, or how to fix it. */
    readonly hint = 'copy the fields you need into a DTO',
  ) {
    super(`${path}: ${found} is not plain JSON (${hint})`);
    this.name = this.constructor.name;
  }
}
