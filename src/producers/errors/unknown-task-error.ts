import { NyxError } from '../../shared/errors/nyx-error.js';
/** Some task ids given to `spawn` do not exist. Nothing is spawned: the whole call is refused. */
export class UnknownTaskError extends NyxError {
  readonly code = 'unknown_task';
  readonly kind = 'not_found';

  constructor(
    readonly taskIds: readonly string[],
    /** What the ids name: `task`, or another spawnable's entity name (the code stays `unknown_task`). */
    readonly subject = 'task',
  ) {
    super(`unknown ${subject} id${taskIds.length === 1 ? '' : 's'}: ${taskIds.join(', ')}`);
    this.name = this.constructor.name;
  }
}
