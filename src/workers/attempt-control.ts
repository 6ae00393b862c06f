/**
 * The stop signal of one attempt and what happens after it fires. The
 * attempt's `ctx.signal` aborts at the workflow's deadline (`timeoutMs`),
 * when an operator stops the run (`stop`), or when the worker shuts down.
 *
 * Invariant: an attempt stopped by its deadline or an operator holds its
 * concurrency slot at most `graceMs` longer. A workflow that ends within the
 * grace period ends the attempt itself (a rejection is read as the stop
 * reason; a result that arrives in time is kept). One that ignores the signal
 * is abandoned: `run` rejects with the stop reason, so BullMQ frees the slot
 * and moves on, while the workflow's promise goes on in the background — a
 * zombie, handed to `onAbandoned` (counted; the worker recycles itself after
 * too many, see worker-process.ts). JavaScript cannot kill a promise; only
 * the process exit ends it.
 *
 * Shutdown is not handled here: on shutdown the worker's own grace period
 * applies (worker-process.ts), and the job goes back to the queue.
 */
import { WorkflowTimeoutError } from './workflow-timeout-error.js';

export interface AttemptControlOptions {
  runId: string;
  workflow: string;
  /** The workflow's deadline, in ms. @defaultValue none */
  timeoutMs?: number | undefined;
  /** How long a stopped workflow gets to end before it is abandoned, in ms. */
  graceMs: number;
  shutdownSignal: AbortSignal;
  /** Called once when the attempt is abandoned, with the promise that still runs. */
  onAbandoned?: (running: Promise<unknown>) => void;
}

export class AttemptControl {
  readonly #stop = new AbortController();
  readonly #timer: NodeJS.Timeout | undefined;
  /** What the workflow sees as `ctx.signal`. */
  readonly signal: AbortSignal;

  constructor(private readonly options: AttemptControlOptions) {
    this.signal = AbortSignal.any([options.shutdownSignal, this.#stop.signal]);
    const { timeoutMs } = options;
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(() => this.stop(new WorkflowTimeoutError(options.workflow, options.runId, timeoutMs)), timeoutMs);
    }
  }

  /** Why the attempt was stopped (deadline or operator), or undefined. */
  get stopReason(): Error | undefined {
    return this.#stop.signal.aborted ? (this.#stop.signal.reason as Error) : undefined;
  }

  /** Stops the attempt (first reason wins). */
  stop(reason: Error): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
  }

  /** Runs the workflow under this control; see the module comment. */
  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const running = Promise.resolve().then(work);
    let graceTimer: NodeJS.Timeout | undefined;
    let onStop: (() => void) | undefined;
    let abandonment: Error | undefined;
    const abandoned = new Promise<never>((_, reject) => {
      onStop = () => {
        graceTimer = setTimeout(() => {
          running.catch(() => {});
          this.options.onAbandoned?.(running);
          const reason = this.stopReason!;
          abandonment = reason instanceof WorkflowTimeoutError ? new WorkflowTimeoutError(reason.workflow, reason.runId, reason.timeoutMs, true) : reason;
          reject(abandonment);
        }, this.options.graceMs);
      };
      if (this.#stop.signal.aborted) onStop();
      else this.#stop.signal.addEventListener('abort', onStop, { once: true });
    });
    try {
      return await Promise.race([running, abandoned]);
    } catch (error) {
      // The workflow's own AbortError (or whatever it threw on the way out) is a consequence of the stop.
      throw abandonment ?? this.stopReason ?? error;
    } finally {
      clearTimeout(graceTimer);
      if (onStop) this.#stop.signal.removeEventListener('abort', onStop);
      this.dispose();
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
