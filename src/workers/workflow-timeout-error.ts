/**
 * An attempt ran past its workflow's `timeoutMs`. `ctx.signal` aborts with
 * this error at the deadline; the attempt fails with it (retried per the
 * workflow's attempts and backoff, then dead) once the workflow stops, or
 * after the grace period if it ignores the signal (`abandoned`: the attempt is
 * left running in the background as a zombie, its slot given back).
 */
import { NyxError } from '../shared/errors/nyx-error.js';

/** Kind `unavailable`: the attempt ran out of time, not out of sense, so it is retried like a lost connection. */
export class WorkflowTimeoutError extends NyxError {
  readonly code = 'workflow_timeout';
  readonly kind = 'unavailable';

  constructor(
    readonly workflow: string,
    readonly runId: string,
    readonly timeoutMs: number,
    readonly abandoned = false,
  ) {
    super(
      `workflow "${workflow}" run ${runId} exceeded its timeoutMs (${timeoutMs} ms)` +
        (abandoned ? '; it ignored ctx.signal and was abandoned after the grace period (NYX_ABORT_GRACE_MS)' : ''),
    );
  }
}
