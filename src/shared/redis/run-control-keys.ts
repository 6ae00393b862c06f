/**
 * The Redis keys of run control, shared by the control plane (writes stops,
 * reads zombie counts) and workers (read stops, count zombies). They carry a
 * hash tag so that, on a cluster, they share a slot whatever the routing (a
 * prefix that already has a tag keeps its own: Redis hashes the first one).
 */
export interface RunControlKeys {
  /** Hash: run id → `cancelled` | `failed`, for runs an operator stopped. Workers poll it for their active runs. */
  stops: string;
  /** Sorted set: run id scored by the stop's time in ms, so old stops can be pruned. */
  stopTimes: string;
  /** Hash: workflow → attempts abandoned by workers after ignoring `ctx.signal` (zombies). */
  zombies: string;
}

export function runControlKeys(prefix: string): RunControlKeys {
  const base = `${prefix}:{run-control}`;
  return { stops: `${base}:stops`, stopTimes: `${base}:stop-times`, zombies: `${base}:zombies` };
}
