/**
 * The one way this process's relay is woken after something was written to
 * the outbox (a spawn, a redrive): right away when the write is already
 * committed, else when its transaction commits — never before, or the relay
 * would look, find nothing yet visible, and sleep until its next poll.
 *
 * Other processes hear the NOTIFY the outbox write issues (NOTIFY is
 * transactional); this wake only saves the local relay the round trip, and
 * is what wakes it on PGlite, which has no listener. A wake that comes too
 * early (a spawn in a nested transaction wakes when its savepoint is
 * released) or never (a rollback) costs at most one poll interval, never a
 * message: the relay polls the outbox anyway.
 */
import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';

export class WakeAfterCommit implements EventSubscriber {
  /** Transactions that wrote to the outbox and have not committed yet. */
  readonly #pending = new WeakSet<object>();
  #closed = false;

  constructor(private readonly wake: () => void) {}

  /** Call after writing to the outbox through `em`. */
  afterOutboxWrite(em: EntityManager): void {
    if (this.#closed) return;
    const transaction = em.isInTransaction() ? em.getTransactionContext<object>() : undefined;
    if (!transaction) {
      this.wake();
      return;
    }
    // Idempotent; the event manager is shared by every fork of one ORM, so
    // this registers once per ORM (the caller's ORM may not be ours).
    em.getEventManager().registerSubscriber(this);
    this.#pending.add(transaction);
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    const transaction = args.transaction as object | undefined;
    if (!transaction || !this.#pending.delete(transaction)) return;
    if (!this.#closed) this.wake();
  }

  afterTransactionRollback(args: TransactionEventArgs): void {
    const transaction = args.transaction as object | undefined;
    if (transaction) this.#pending.delete(transaction);
  }

  /** After close nothing is woken (a subscriber cannot be removed from the caller's ORM). */
  close(): void {
    this.#closed = true;
  }
}
