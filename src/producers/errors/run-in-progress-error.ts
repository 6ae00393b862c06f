import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * A spawn was refused because the task already has a run that is not
 * finished (pending, queued or running), so that a double-click or a
 * repeated command does not run a task twice. Nothing was written. The API
 * answers 409 `run_in_progress`; the CLI exits 2 (kind `conflict`). Pass force (API
 * `{"force": true}`, CLI `--force`) to spawn another anyway.
 */
export class RunInProgressError extends NyxError {
  readonly code = 'run_in_progress';
  readonly kind = 'conflict' as const;

  constructor(
    readonly taskId: string,
    readonly runId: string,
    readonly status: string,
  ) {
    super(`task ${taskId} already has run ${runId} (${status})`);
  }
}
