import { NyxUnrecoverableError } from '../nyx-unrecoverable-error.js';

/**
 * Thrown by a workflow to say "retrying cannot help": the run fails at once,
 * whatever attempts remain, and goes to the dead-letter queue with this
 * message (reason `unrecoverable error`), where an operator can redrive it
 * once the cause is fixed. Any other error is retried with backoff until
 * NYX_JOB_ATTEMPTS run out.
 *
 * It is BullMQ's `UnrecoverableError` underneath, so BullMQ itself skips the
 * remaining attempts; workflows import this class, not BullMQ's, so the
 * intent reads in their own terms.
 *
 * @example
 *   if (!account) throw new WorkflowUnrecoverableError(`account ${id} was deleted`);
 */
export class WorkflowUnrecoverableError extends NyxUnrecoverableError {
  readonly code = 'workflow_unrecoverable';
}
