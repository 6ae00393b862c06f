import { UnrecoverableError } from 'bullmq';
import { NYX_ERROR } from '../shared/errors/nyx-error.js';

/**
 * A job's data is not a payload this worker can read (wrong envelope, unknown
 * schema or version, fails validation). Extends BullMQ's `UnrecoverableError`:
 * the job fails at once, without using up its remaining attempts, and its run
 * goes to the dead-letter queue with this message as the reason.
 */
export class InvalidPayloadError extends UnrecoverableError {
  readonly code = 'invalid_payload';
  readonly kind = 'unrecoverable';
  readonly [NYX_ERROR] = true as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = this.constructor.name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
