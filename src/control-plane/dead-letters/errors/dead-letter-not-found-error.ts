import { NyxError } from '../../../shared/errors/nyx-error.js';
/** No dead letter for this run id: it never died, or a redrive already consumed its letter. Nothing changes. */
export class DeadLetterNotFoundError extends NyxError {
  readonly code = 'dead_letter_not_found';
  readonly kind = 'not_found';

  constructor(readonly runId: string) {
    super(`no dead letter for run ${runId} (see \`nyx dlq list\`)`);
    this.name = this.constructor.name;
  }
}
