/** One BullMQ `Queue` per name, created on first use and closed together. */
import { closeOrDrop } from './close-or-drop.js';
import { Queue, type ConnectionOptions } from 'bullmq';

export class QueuePool {
  readonly #queues = new Map<string, Queue>();

  constructor(
    private readonly connection: () => ConnectionOptions,
    private readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection(), prefix: this.prefix });
      // Errors surface through the calls that fail; this only keeps them off the unhandled path.
      queue.on('error', () => {});
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => closeOrDrop(queue)));
    this.#queues.clear();
  }
}
