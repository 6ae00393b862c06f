/**
 * LISTEN on the outbox channel with a dedicated `pg` connection (a pooled one
 * would lose its LISTEN when returned to the pool), so a committed spawn wakes
 * the relay within milliseconds. If the connection drops, the relay's slow
 * poll carries on while it reconnects.
 */
import pg from 'pg';
import type { Logger } from '../../shared/logging/logger.js';
import { OUTBOX_CHANNEL } from './outbox-sql.js';

export class OutboxListener {
  #client: pg.Client | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly onNotify: () => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.onNotify());
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'outbox LISTEN connection lost; reconnecting');
      this.#reconnectLater();
    });
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.#client = client;
    // Anything committed while we were not listening is picked up now.
    this.onNotify();
  }

  #reconnectLater(): void {
    const old = this.#client;
    this.#client = null;
    old?.end().catch(() => {});
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.start().catch(() => this.#reconnectLater());
    }, 1_000);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }
}
