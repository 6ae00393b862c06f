import { NYX_ERROR } from '../../shared/errors/nyx-error.js';
/**
 * A workflow definition that cannot work: a bad name, no motivation type, an
 * input schema that reads a field the payload does not have. Thrown by
 * `defineWorkflow` when the module is loaded, so a broken workflow stops the
 * worker at start instead of sending every one of its jobs to the dead-letter
 * queue.
 */
export class InvalidWorkflowError extends TypeError {
  readonly code = 'invalid_workflow';
  readonly kind = 'input';
  readonly [NYX_ERROR] = true as const;

  constructor(
    readonly workflow: string,
    readonly problem: string,
  ) {
    super(`workflow "${workflow}": ${problem}`);
    this.name = this.constructor.name;
  }
}
