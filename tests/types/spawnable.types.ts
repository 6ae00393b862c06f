/**
 * Type tests of `defineSpawnable`, checked by `npm run typecheck`: extract
 * receives `Loaded<Entity, populate>`, so reading a Ref relation that is not
 * in `populate` does not compile (every `@ts-expect-error` below must be an
 * error, or tsc reports it unused).
 */
import { defineSpawnable } from '../../src/producers/spawnable.js';
import { invoiceReminderContract, orderReportContract } from '../end-to-end/support/user-contracts.js';
import { Invoice, Order } from '../end-to-end/support/user-entities.js';

const data = (name: string) => ({
  invoiceId: '1',
  amountCents: 1,
  currency: 'EUR',
  customerName: name,
  customerEmail: 'a@b.c',
  dueAt: new Date(),
  tone: 'gentle' as const,
});

// Populated: the relation opens (`.$`).
export const populated = defineSpawnable({
  name: 'populated',
  contract: invoiceReminderContract,
  entity: Invoice,
  populate: ['customer'],
  extract: (invoice) => data(invoice.customer.$.name),
});

// Not populated: the Ref stays closed.
export const notPopulated = defineSpawnable({
  name: 'not-populated',
  contract: invoiceReminderContract,
  entity: Invoice,
  // @ts-expect-error -- `customer` is not in populate: its fields are not readable
  extract: (invoice) => data(invoice.customer.$.name),
});

// Its primary key is known without loading.
export const keyOnly = defineSpawnable({
  name: 'key-only',
  contract: invoiceReminderContract,
  entity: Invoice,
  extract: (invoice) => data(String(invoice.customer.id)),
});

// A Collection's type is the same loaded or not (MikroORM): reading an unpopulated one is
// refused at run time only (RelationNotLoadedError, tests/producers/relation-guard.test.ts).

// populate names relations that exist.
export const badPath = defineSpawnable({
  name: 'bad-path',
  contract: invoiceReminderContract,
  entity: Invoice,
  // @ts-expect-error -- no relation `custommer`
  populate: ['custommer'],
  extract: () => data('x'),
});

// extract returns the contract's data.
export const wrongData = defineSpawnable({
  name: 'wrong-data',
  contract: orderReportContract,
  entity: Order,
  populate: ['lines'],
  // @ts-expect-error -- `lines` must be an array of { sku, quantity }
  extract: (order) => ({ orderId: order.id, lines: 3 }),
});
