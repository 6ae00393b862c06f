/**
 * Knows when each run's result was committed: the control plane's
 * `onRecorded` hook runs right after the recorder's UPDATE committed, so
 * `Date.now()` there is the honest "recorded" time. Waiting for one run (the
 * idle measurement) or for a count (the throughput phase) needs no polling
 * of the database, which would add load to what is measured.
 */
import type { WorkflowOutcome } from '../../dto/index.js';

export class RecordedTracker {
  readonly recordedAt = new Map<string, number>();
  /** Outcomes per committed recorder batch, in commit order (shows whether group commit fills its batches). */
  readonly batchSizes: number[] = [];
  readonly #waiters = new Map<string, () => void>();
  #onChange: (() => void) | null = null;

  readonly onRecorded = (outcomes: readonly WorkflowOutcome[]): void => {
    const now = Date.now();
    this.batchSizes.push(outcomes.length);
    for (const outcome of outcomes) {
      if (outcome.kind !== 'completed' && !outcome.final) continue;
      if (!this.recordedAt.has(outcome.runId)) this.recordedAt.set(outcome.runId, now);
      this.#waiters.get(outcome.runId)?.();
    }
    this.#onChange?.();
  };

  get count(): number {
    return this.recordedAt.size;
  }

  /** Resolves once `runId` was recorded (or at once if it already was). */
  waitFor(runId: string, timeoutMs: number): Promise<number> {
    const at = this.recordedAt.get(runId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(runId);
        reject(new Error(`run ${runId} was not recorded within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(runId, () => {
        clearTimeout(timer);
        this.#waiters.delete(runId);
        resolve(this.recordedAt.get(runId)!);
      });
    });
  }

  /** Resolves once `count` runs were recorded; calls `progress` on every batch. */
  waitForCount(count: number, timeoutMs: number, progress: (done: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onChange = null;
        reject(new Error(`only ${this.count} of ${count} runs recorded within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        progress(this.count);
        if (this.count < count) return;
        clearTimeout(timer);
        this.#onChange = null;
        resolve();
      };
      this.#onChange = check;
      check();
    });
  }
}
