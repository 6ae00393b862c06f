import { NyxUnrecoverableError } from './nyx-unrecoverable-error.js';

/**
 * A workflow returned a result the control plane could never record: one
 * PostgreSQL cannot store (a lone surrogate, a NUL…) or one larger than
 * `NYX_MAX_RESULT_BYTES`. Unrecoverable: the same input gives the same
 * result, so the run is dead at once (reason `unstorable result`) with a
 * dead letter, instead of its outcome failing in the recorder.
 */
export class UnstorableResultError extends NyxUnrecoverableError {
  readonly code = 'unstorable_result';

  constructor(runId: string, workflow: string, problem: string) {
    super(`run ${runId}: workflow "${workflow}" returned a result that cannot be recorded: ${problem}`);
  }
}
