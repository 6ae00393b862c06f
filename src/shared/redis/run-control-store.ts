/**
 * Run control's few Redis commands, one named function each (keys in
 * run-control-keys.ts). They take the client of a BullMQ queue
 * (`await queue.getBackend().client`), so no connection of their own is opened.
 *
 * Why a hash polled by workers rather than pub/sub: a message published while
 * a worker reconnects is lost, a hash entry is not; and a job that a worker
 * takes after the stop was written (the control plane could not remove it,
 * it was being fetched) is still found by the next poll.
 */
import type { RunControlKeys } from './run-control-keys.js';

/** The part of BullMQ's Redis client this module uses. */
export interface RunControlClient {
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  hgetall(key: string): Promise<Record<string, string>>;
  runCommand(name: string, args: unknown[]): Promise<unknown>;
}

/** How an operator ended a run: `cancelled`, or `failed` by hand. */
export type StopStatus = 'cancelled' | 'failed';

/** Marks runs as stopped, so workers running them abort; prunes stops older than `keepMs`. */
export async function writeStops(client: RunControlClient, keys: RunControlKeys, stops: ReadonlyMap<string, StopStatus>, keepMs: number): Promise<void> {
  if (stops.size === 0) return;
  const now = Date.now();
  await client.runCommand('hset', [keys.stops, ...[...stops].flat()]);
  await client.runCommand('zadd', [keys.stopTimes, ...[...stops.keys()].flatMap((id) => [now, id])]);
  const old = (await client.runCommand('zrangebyscore', [keys.stopTimes, '-inf', now - keepMs, 'LIMIT', 0, 1_000])) as string[];
  if (old.length > 0) {
    await client.runCommand('hdel', [keys.stops, ...old]);
    await client.runCommand('zrem', [keys.stopTimes, ...old]);
  }
}

/** The stop status of each run that has one. */
export async function readStops(client: RunControlClient, keys: RunControlKeys, runIds: readonly string[]): Promise<Map<string, StopStatus>> {
  const found = new Map<string, StopStatus>();
  if (runIds.length === 0) return found;
  const values = await client.hmget(keys.stops, ...runIds);
  values.forEach((value, i) => {
    if (value === 'cancelled' || value === 'failed') found.set(runIds[i]!, value);
  });
  return found;
}

export async function countZombie(client: RunControlClient, keys: RunControlKeys, workflow: string): Promise<void> {
  await client.runCommand('hincrby', [keys.zombies, workflow, 1]);
}

/** Abandoned attempts per workflow, over every worker since the counter was created. */
export async function readZombies(client: RunControlClient, keys: RunControlKeys): Promise<Record<string, number>> {
  const raw = await client.hgetall(keys.zombies);
  return Object.fromEntries(Object.entries(raw).map(([workflow, n]) => [workflow, Number(n)]));
}
