/**
 * Group commit: callers add items one by one and each gets a promise that
 * settles when the write holding its item is done. Two users:
 * - the recorder (src/control-plane/recorder) writes outcomes to PostgreSQL and
 *   acknowledges a result job only after its promise resolves, so a crash
 *   before the commit leaves the job to be delivered again;
 * - a worker (src/workers/outcome-reporter.ts) sends the outcomes of its
 *   concurrent jobs to Redis as one results job, and a workflow job is
 *   acknowledged only after the results job holding its outcome was added.
 *
 * When to write (self-clocking, no fixed delay on an idle system):
 * - a full batch (`maxBatch` items) is written at once;
 * - with no write in flight, what arrived in this turn of the event loop is
 *   written right after it (setImmediate): a lone result waits for nothing;
 * - while a write is in flight, items gather until it ends (then they go
 *   together), or `maxWaitMs` at most. Under load the batches fill
 *   themselves; the bench reports how full (`recorderBatch`).
 */
interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchWriter<T> {
  #pending: Pending<T>[] = [];
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxWaitMs = 5,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.maxBatch) this.#flush();
      else if (this.#inFlight.size === 0) this.#immediate ??= setImmediate(() => this.#flush());
      else this.#timer ??= setTimeout(() => this.#flush(), this.maxWaitMs);
    });
  }

  /** Writes what is waiting and waits for every write in flight. */
  async drain(): Promise<void> {
    this.#flush();
    await Promise.allSettled([...this.#inFlight]);
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
    const batch = this.#pending.splice(0, this.maxBatch);
    if (this.#pending.length > 0) this.#immediate = setImmediate(() => this.#flush());
    if (batch.length === 0) return;
    const written = this.write(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
    this.#inFlight.add(written);
    void written.finally(() => {
      this.#inFlight.delete(written);
      // What gathered during this write goes now, not after the timer.
      if (this.#inFlight.size === 0 && this.#pending.length > 0) this.#flush();
    });
  }
}
