import { NyxError } from '../../shared/errors/nyx-error.js';
/** Some ids given to cancel or fail are not run ids (uuids). Nothing is changed: the whole call is refused. */
export class InvalidRunIdError extends NyxError {
  readonly code = 'invalid_run_id';
  readonly kind = 'input' as const;
  constructor(readonly runIds: readonly string[]) {
    super(`not a run id (uuid): ${runIds.map((id) => JSON.stringify(id)).join(', ')}`);
  }
}
