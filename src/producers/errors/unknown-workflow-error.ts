import { NyxError } from '../../shared/errors/nyx-error.js';
/** No registered workflow handles a task's motivation type. Refused at spawn time, not in the dead-letter queue. */
export class UnknownWorkflowError extends NyxError {
  readonly code = 'unknown_workflow';
  readonly kind = 'input';

  constructor(
    readonly taskId: string,
    readonly motivationType: string,
    readonly known: readonly string[],
    /** What the id names in the message: `task`, or another spawnable's entity name. */
    readonly subject = 'task',
    /** What the route key is called: `motivation type`, or `route of <contract>`. */
    routeWord = 'motivation type',
  ) {
    super(`${subject} ${taskId}: no workflow handles ${routeWord} "${motivationType}" (known: ${known.join(', ')})`);
    this.name = this.constructor.name;
  }
}
