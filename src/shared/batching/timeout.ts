/**
 * The one timeout: races `work` against a timer and always clears the timer
 * (a pending timer would keep a stopping process alive). The work itself is
 * not cancelled; callers decide what a timeout means.
 */

/** Resolves with `work`'s outcome, or with `'timed-out'` after `ms`. */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ timedOut: false as const, value })), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with `work`, or rejects with `onTimeout()` after `ms`. */
export async function rejectAfter<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  const outcome = await settleWithin(work, ms);
  if (outcome.timedOut) throw onTimeout();
  return outcome.value;
}
