/** Two user entity pairs with their own tables (created by `createUserTables`), bound to the user contracts as spawnables. */
import { defineEntity, p } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { defineSpawnable } from '../../../src/index.js';
import { invoiceReminderContract, orderReportContract } from './user-contracts.js';

export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'app_customer',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.text(),
    email: p.text(),
  },
});
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);

export const InvoiceSchema = defineEntity({
  name: 'Invoice',
  tableName: 'app_invoice',
  properties: {
    id: p.integer().primary().autoincrement(),
    amountCents: p.integer(),
    currency: p.string().length(3),
    dueAt: p.datetime(),
    overdue: p.boolean(),
    customer: () => p.manyToOne(Customer).ref(),
  },
});
export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);

export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'app_order',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    placedAt: p.datetime(),
    lines: () => p.oneToMany(OrderLine).mappedBy('order'),
  },
});
export class Order extends OrderSchema.class {}
OrderSchema.setClass(Order);

export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'app_order_line',
  properties: {
    id: p.integer().primary().autoincrement(),
    sku: p.text(),
    quantity: p.integer(),
    order: () => p.manyToOne(Order).ref(),
  },
});
export class OrderLine extends OrderLineSchema.class {}
OrderLineSchema.setClass(OrderLine);

export const userEntities = [Customer, Invoice, Order, OrderLine];

export const invoiceReminders = defineSpawnable({
  name: 'invoice-reminder',
  contract: invoiceReminderContract,
  entity: Invoice,
  populate: ['customer'],
  extract: (invoice) => ({
    invoiceId: String(invoice.id),
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    customerName: invoice.customer.$.name,
    customerEmail: invoice.customer.$.email,
    dueAt: invoice.dueAt,
    tone: invoice.overdue ? ('firm' as const) : ('gentle' as const),
  }),
});

export const orderReports = defineSpawnable({
  name: 'order-report',
  contract: orderReportContract,
  entity: Order,
  populate: ['lines'],
  extract: (order) => ({ orderId: order.id, lines: order.lines.getItems().map((line) => ({ sku: line.sku, quantity: line.quantity })) }),
});

/** The application's own tables (its migrations, in a real application). */
export async function createUserTables(em: SqlEntityManager): Promise<void> {
  await em.execute(`create table app_customer (id serial primary key, name text not null, email text not null)`);
  await em.execute(
    `create table app_invoice (id serial primary key, amount_cents int not null, currency varchar(3) not null, due_at timestamptz not null,
       overdue boolean not null, customer_id int not null references app_customer (id))`,
  );
  await em.execute(`create table app_order (id uuid primary key, placed_at timestamptz not null)`);
  await em.execute(
    `create table app_order_line (id serial primary key, sku text not null, quantity int not null, order_id uuid not null references app_order (id))`,
  );
}

/** `count` invoices over `customers` customers (every third one overdue), in one statement each. */
export async function seedInvoices(em: SqlEntityManager, count: number, customers = 10): Promise<string[]> {
  const made = await em.execute<{ id: number }[]>(
    `insert into app_customer (name, email) select 'Customer ' || i, 'c' || i || '@example.com' from generate_series(1, ?) as i returning id`,
    [customers],
  );
  const ids = made.map((row) => row.id);
  const rows = await em.execute<{ id: number }[]>(
    `insert into app_invoice (amount_cents, currency, due_at, overdue, customer_id)
     select 100 * i, 'EUR', timestamptz '2026-12-24T00:00:00Z', i % 3 = 0, (?::int[])[1 + i % ?] from generate_series(1, ?) as i returning id`,
    [`{${ids.join(',')}}`, ids.length, count],
  );
  return rows.map((row) => String(row.id));
}

/** `count` orders of 1..3 lines each. */
export async function seedOrders(em: SqlEntityManager, count: number): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into app_order (id, placed_at) select gen_random_uuid(), now() from generate_series(1, ?) returning id`,
    [count],
  );
  const ids = rows.map((row) => row.id);
  await em.execute(
    `insert into app_order_line (sku, quantity, order_id)
     select 'SKU-' || n, n, o.id from unnest(?::uuid[]) with ordinality as o(id, k), generate_series(1, 1 + (o.k % 3)::int) as n`,
    [`{${ids.join(',')}}`],
  );
  return ids;
}
