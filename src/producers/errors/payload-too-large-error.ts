import { NyxError } from '../../shared/errors/nyx-error.js';
/** A serialized payload exceeds NYX_MAX_PAYLOAD_BYTES. Nothing is spawned. */
export class PayloadTooLargeError extends NyxError {
  readonly code = 'payload_too_large';
  readonly kind = 'too_large';

  constructor(
    readonly taskId: string,
    readonly bytes: number,
    readonly limit: number,
    /** What the id names in the message: `task`, or another spawnable's entity name. */
    readonly subject = 'task',
  ) {
    super(`${subject} ${taskId}: payload is ${bytes} bytes, over the limit of ${limit} (NYX_MAX_PAYLOAD_BYTES)`);
    this.name = this.constructor.name;
  }
}
