/** Polls `check` every `everyMs` until it is true; past `deadline` (epoch ms) throws, naming `what`. */
export class BenchTimeoutError extends Error {
  constructor(what: string) {
    super(`benchmark gave up waiting for ${what} (raise --timeout if the machine is slow)`);
    this.name = this.constructor.name;
  }
}

export async function waitUntil(deadline: number, everyMs: number, check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new BenchTimeoutError(what);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
