import { unreachableDependency } from '../shared/errors/unreachable-dependency.js';

/**
 * For a BullMQ Queue or Worker whose `close()` failed: BullMQ sends QUIT,
 * which a client still reconnecting after an outage refuses ("Stream isn't
 * writeable and enableOfflineQueue options is false"), and rethrows that.
 * Closing must not fail because Redis is away — nothing is lost (unacknowledged
 * jobs return to their queue when their lock lapses) — so the connections are
 * dropped instead. Any other error is a real one and is thrown again.
 */
export async function dropIfRedisAway(closable: { disconnect(): Promise<void> }, error: unknown): Promise<void> {
  if (unreachableDependency(error) !== 'redis') throw error;
  await closable.disconnect().catch(() => {});
}
