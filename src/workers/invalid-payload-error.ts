import { NyxUnrecoverableError } from './nyx-unrecoverable-error.js';

/**
 * A job's data is not a payload this worker can read (wrong envelope, unknown
 * schema or version, fails validation). Extends BullMQ's `UnrecoverableError`:
 * the job fails at once, without using up its remaining attempts, and its run
 * goes to the dead-letter queue with this message as the reason.
 */
export class InvalidPayloadError extends NyxUnrecoverableError {
  readonly code = 'invalid_payload';
}
