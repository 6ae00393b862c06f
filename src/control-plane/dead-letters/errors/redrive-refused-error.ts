import { NyxError } from '../../../shared/errors/nyx-error.js';
/**
 * A dead run that cannot be redriven as it is: its payload is still invalid
 * against the current schema, no workflow runs its motivation type, its job
 * is still in a queue, it has no run in the database... The run stays dead
 * and its letter stays in the dead-letter queue; the message says why.
 */
export class RedriveRefusedError extends NyxError {
  readonly code = 'redrive_refused';
  readonly kind = 'conflict';

  constructor(
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`run ${runId} stays dead: ${reason}`);
    this.name = this.constructor.name;
  }
}
