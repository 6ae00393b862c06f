/**
 * Group commit: callers add items one by one and each gets a promise that
 * settles when the statement holding its item committed. Items wait at most
 * `maxWaitMs` for company, and a full batch is written at once. The recorder
 * acknowledges a result job only after its promise resolves, so a crash
 * before the commit leaves the job to be delivered again.
 */
interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchWriter<T> {
  #pending: Pending<T>[] = [];
  #timer: NodeJS.Timeout | null = null;
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
    this.#timer = null;
    const batch = this.#pending.splice(0, this.maxBatch);
    if (this.#pending.length > 0) this.#timer = setTimeout(() => this.#flush(), 0);
    if (batch.length === 0) return;
    const written = this.write(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
    this.#inFlight.add(written);
    void written.finally(() => this.#inFlight.delete(written));
  }
}
