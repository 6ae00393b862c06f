/**
 * The one exponential backoff: `baseMs · 2^attempt`, capped at `maxMs`.
 * `attempt` counts from 0 (the first retry waits `baseMs`).
 */
export function exponentialBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt), maxMs);
}
