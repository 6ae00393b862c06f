import { UnrecoverableError } from 'bullmq';
import { NYX_ERROR, type NyxErrorInfo } from '../shared/errors/nyx-error.js';

/**
 * The base of nyx's catalogue errors that end a run at once: BullMQ's
 * `UnrecoverableError` underneath (so BullMQ skips the remaining attempts),
 * kind `unrecoverable`, and the catalogue's marker, so `instanceof NyxError`
 * and classification by kind hold for them too.
 */
export abstract class NyxUnrecoverableError extends UnrecoverableError implements NyxErrorInfo {
  abstract readonly code: string;
  readonly kind = 'unrecoverable' as const;
  readonly [NYX_ERROR] = true as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = this.constructor.name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
