import { NyxUnrecoverableError } from './nyx-unrecoverable-error.js';

/**
 * A job came back from stalled-job recovery more often than
 * NYX_MAX_STALLED_COUNT allows: each time, the worker running it died (or
 * blocked its event loop past the lock) before finishing. Such a job may be
 * what kills workers, so it is not run again: the run goes to the dead-letter
 * queue (reason `stalled too often`), without using up its attempts.
 */
export class StalledTooOftenError extends NyxUnrecoverableError {
  readonly code = 'stalled_too_often';

  constructor(
    readonly runId: string,
    readonly stalls: number,
    readonly limit: number,
  ) {
    super(
      `job ${runId} stalled ${stalls} times (limit ${limit}): the workers running it died or blocked their event loop ` +
        'longer than the job lock (NYX_LOCK_DURATION_MS)',
    );
  }
}
