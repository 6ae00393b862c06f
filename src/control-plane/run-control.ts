/**
 * Run control on the control plane's side: the Redis half of cancel and
 * operator fail (workers poll the stops, see src/workers/stop-watcher.ts) and
 * the workers' zombie counts. The PostgreSQL half is in run-control-sql.ts.
 */
import type { Queue } from 'bullmq';
import { runControlKeys, type RunControlKeys } from '../redis/run-control-keys.js';
import { readZombies, type RunControlClient } from '../redis/run-control-store.js';

export class RunControl {
  readonly keys: RunControlKeys;

  constructor(
    prefix: string,
    /** Any queue of the control plane: its Redis client carries the commands. */
    private readonly queue: () => Queue,
  ) {
    this.keys = runControlKeys(prefix);
  }

  async client(): Promise<RunControlClient> {
    return (await this.queue().getBackend().client) as unknown as RunControlClient;
  }

  /** Attempts abandoned by workers, per workflow. */
  async zombies(): Promise<Record<string, number>> {
    return readZombies(await this.client(), this.keys);
  }
}
