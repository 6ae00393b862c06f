/**
 * Hears operator stops (cancel, fail) for the runs this worker process is
 * running: every `pollMs`, while at least one attempt runs, ONE HMGET of the
 * stops hash for all of them (run-control-store.ts). The cost does not grow
 * with the number of jobs a worker has run, only with those it runs now, and
 * an idle worker sends nothing.
 *
 * Polling rather than pub/sub: a stop written while this worker was
 * reconnecting, or before it took the job, is still found on the next poll.
 * A failed poll is logged and tried again on the next tick.
 */
import type { RunControlKeys } from '../shared/redis/run-control-keys.js';
import { readStops, type RunControlClient, type StopStatus } from '../shared/redis/run-control-store.js';

export interface StopWatcherOptions {
  client: () => Promise<RunControlClient>;
  keys: RunControlKeys;
  /** In ms. */
  pollMs: number;
  log: { warn(fields: object, message: string): void };
}

export class StopWatcher {
  readonly #watched = new Map<string, (status: StopStatus) => void>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(private readonly options: StopWatcherOptions) {}

  /** Calls `onStop` once if the run is stopped while watched; returns the unwatch function. */
  watch(runId: string, onStop: (status: StopStatus) => void): () => void {
    this.#watched.set(runId, onStop);
    this.#timer ??= setInterval(() => void this.#poll(), this.options.pollMs).unref();
    return () => {
      if (this.#watched.get(runId) === onStop) this.#watched.delete(runId);
      if (this.#watched.size === 0) this.close();
    };
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#watched.size === 0) return;
    this.#polling = true;
    try {
      const stops = await readStops(await this.options.client(), this.options.keys, [...this.#watched.keys()]);
      for (const [runId, status] of stops) {
        const onStop = this.#watched.get(runId);
        this.#watched.delete(runId);
        onStop?.(status);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'worker: could not read run stops from Redis; trying again');
    } finally {
      this.#polling = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
