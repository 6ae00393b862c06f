/**
 * The relation guard at run time: what `extract` reads of a relation it did
 * not populate throws RelationNotLoadedError naming the relation and the
 * populate hint — for a Ref (`.ref()`) and for a Collection, whose type
 * cannot tell loaded from not — while the key of an unloaded Ref stays readable.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import { RelationNotLoadedError } from '../../src/producers/errors/index.js';
import { assertPopulated, guard } from '../../src/producers/relation-guard.js';
import { createUserTables, Invoice, Order, seedInvoices, seedOrders, userEntities } from '../end-to-end/support/user-entities.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('relation guard', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let invoiceId: string | undefined;
  let orderId: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await MikroORM.init({ clientUrl: db.url, entities: userEntities, allowGlobalContext: false });
    await createUserTables(orm.em.fork());
    [invoiceId] = await seedInvoices(orm.em.fork(), 1, 1);
    [orderId] = await seedOrders(orm.em.fork(), 1);
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const ctx = (subjectId: string, subject: string) => ({ metadata: orm.getMetadata(), subjectId, subject });

  it('refuses reading an unpopulated Ref, keeps its key readable', async () => {
    const invoice = await orm.em.fork().findOneOrFail(Invoice, { id: Number(invoiceId) });
    const guarded = guard(ctx(invoiceId!, 'Invoice'), invoice);
    expect(guarded.customer.id).toBe(invoice.customer.id);
    expect(() => (guarded.customer as unknown as { $: { name: string } }).$.name).toThrow(RelationNotLoadedError);
    expect(() => guarded.customer.getEntity()).toThrow(
      `Invoice ${invoiceId}: relation "customer" is not loaded (add it to the spawnable's populate: ['customer'])`,
    );
  });

  it('lets a populated Ref through', async () => {
    const invoice = await orm.em.fork().findOneOrFail(Invoice, { id: Number(invoiceId) }, { populate: ['customer'] });
    assertPopulated(ctx(invoiceId!, 'Invoice'), invoice, ['customer']);
    expect(guard(ctx(invoiceId!, 'Invoice'), invoice).customer.$.name).toBe('Customer 1');
  });

  it('refuses an unpopulated Collection, before and inside extract', async () => {
    const order = await orm.em.fork().findOneOrFail(Order, { id: orderId! });
    expect(() => assertPopulated(ctx(orderId!, 'Order'), order, ['lines'])).toThrow(`Order ${orderId}: relation "lines" is not loaded`);
    expect(() => guard(ctx(orderId!, 'Order'), order).lines.getItems()).toThrow(RelationNotLoadedError);
  });
});
