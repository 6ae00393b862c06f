import { NyxError } from '../../shared/errors/nyx-error.js';
/** A task's data does not make a valid TaskSpawnContext. Names the task and each failing field. */
export class InvalidTaskContextError extends NyxError {
  readonly code = 'invalid_task_context';
  readonly kind = 'input';

  constructor(
    readonly taskId: string,
    readonly fields: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
    /** What the id names in the message: `task`, or another spawnable's entity name. */
    readonly subject = 'task',
  ) {
    super(`${subject} ${taskId}: invalid spawn context — ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, options);
    this.name = this.constructor.name;
  }
}
