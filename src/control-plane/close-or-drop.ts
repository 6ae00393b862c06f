import { setTimeout as sleep } from 'node:timers/promises';
import { unreachableDependency } from '../shared/errors/unreachable-dependency.js';

/** How long a BullMQ Queue or Worker gets to close before its connections are dropped, in ms. */
export const CLOSE_GRACE_MS = 5_000;

/**
 * Closes a BullMQ Queue or Worker, and never fails or hangs because Redis is
 * away. BullMQ's `close()` sends QUIT, which a client still reconnecting
 * after an outage refuses ("Stream isn't writeable and enableOfflineQueue
 * options is false") — BullMQ rethrows that — and a Worker's `close()` does
 * not return at all while its connection is reconnecting. Either way the
 * connections are dropped (`disconnect`) after `graceMs` or at the refusal:
 * nothing is lost, since jobs not acknowledged go back to their queue when
 * their lock lapses. Any other error of `close()` is thrown.
 */
export async function closeOrDrop(closable: { close(): Promise<void>; disconnect(): Promise<void> }, graceMs = CLOSE_GRACE_MS): Promise<void> {
  const closing = closable.close().then(
    () => 'closed' as const,
    (error: unknown) => {
      if (unreachableDependency(error) !== 'redis') throw error;
      return 'refused' as const;
    },
  );
  const ended = await Promise.race([closing, sleep(graceMs, 'late' as const, { ref: false })]);
  if (ended === 'closed') return;
  // A close that ends after the grace period must not surface as an unhandled rejection.
  closing.catch(() => {});
  await Promise.race([closable.disconnect().catch(() => {}), sleep(graceMs, undefined, { ref: false })]);
}
