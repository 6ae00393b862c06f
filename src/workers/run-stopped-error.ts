import { UnrecoverableError } from 'bullmq';
import type { StopStatus } from '../shared/redis/run-control-store.js';

export type { StopStatus };

/**
 * The run was cancelled or failed by an operator while this attempt ran:
 * `ctx.signal` aborts with this error. The control plane already recorded the
 * run's final status, so the worker reports nothing, writes no dead letter,
 * and BullMQ does not retry (an `UnrecoverableError`).
 */
export class RunStoppedError extends UnrecoverableError {
  constructor(
    readonly runId: string,
    readonly status: StopStatus,
  ) {
    super(`run ${runId} was ${status === 'cancelled' ? 'cancelled' : 'failed'} by an operator`);
    this.name = this.constructor.name;
  }
}
