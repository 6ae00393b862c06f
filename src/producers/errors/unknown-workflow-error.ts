import { NyxError } from '../../shared/errors/nyx-error.js';
/** No registered workflow handles a task's motivation type. Refused at spawn time, not in the dead-letter queue. */
export class UnknownWorkflowError extends NyxError {
  readonly code = 'unknown_workflow';
  readonly kind = 'input';

  constructor(
    readonly taskId: string,
    readonly motivationType: string,
    readonly known: readonly string[],
  ) {
    super(`task ${taskId}: no workflow handles motivation type "${motivationType}" (known: ${known.join(', ')})`);
    this.name = this.constructor.name;
  }
}
