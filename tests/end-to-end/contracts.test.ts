/**
 * Contracts end to end: two user spawnables over two entity pairs
 * (Invoice → Customer, Order ─< OrderLine) with their own tables and
 * contracts, in one control plane on the user's own ORM config (their
 * entities plus `...nyxEntities`), and ONE real worker process serving both.
 * Each run gets its own DTO and workflow, results are recorded, and the
 * statements per spawn grow with the number of batches, never per id.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { entities as nyxEntities, WorkflowRun } from '../../src/control-plane/entities/index.js';
import { RelationNotLoadedError, UnknownSpawnableError, UnknownTaskError } from '../../src/producers/errors/index.js';
import { defineSpawnable } from '../../src/producers/spawnable.js';
import { SqlCounter } from '../../src/tools/bench/sql-counter.js';
import { WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { resolveWorkflowRegistry } from '../../src/workers/load-workflow-modules.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { waitFor } from '../support/wait-for.js';
import { invoiceReminderContract } from './support/user-contracts.js';
import { createUserTables, Invoice, invoiceReminders, orderReports, seedInvoices, seedOrders, userEntities } from './support/user-entities.js';

const WORKFLOW_MODULE = fileURLToPath(new URL('./support/user-contracts.workflows.ts', import.meta.url));

describe('contracts: spawning from your own entities and DTOs', () => {
  const prefix = uniquePrefix('contracts');
  const counter = new SqlCounter();
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane;
  let pool: WorkerPool;

  beforeAll(async () => {
    const migrated = await createMigratedDatabase();
    db = migrated.db;
    await migrated.orm.close();
    // The user's ORM: their entities, plus the one line nyx needs.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the driver's MikroORM narrowed to `Orm`
    orm = (await MikroORM.init({
      clientUrl: db.url,
      entities: [...userEntities, ...nyxEntities],
      debug: ['query'],
      logger: counter.onQuery,
      colors: false,
      allowGlobalContext: false,
    })) as unknown as Orm;
    await createUserTables(orm.em.fork());
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix, NYX_QUEUE_ROUTING: 'motivation' });
    cp = await ControlPlane.open({
      config,
      redisUrl: SHARED_REDIS_URL,
      log: silentLog,
      orm,
      registry: await resolveWorkflowRegistry([WORKFLOW_MODULE]),
      spawnables: [invoiceReminders, orderReports],
    });
    await cp.start();
    pool = await WorkerPool.start({
      count: 1,
      env: {
        ...process.env,
        REDIS_URL: SHARED_REDIS_URL,
        NYX_QUEUE_PREFIX: prefix,
        NYX_QUEUE_ROUTING: 'motivation',
        NYX_WORKFLOW_MODULES: WORKFLOW_MODULE,
        LOG_LEVEL: 'silent',
      },
    });
  });

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('runs each spawnable with its own DTO and workflow in one worker process, and records the results', async () => {
    const invoiceIds = await seedInvoices(orm.em.fork(), 6, 2);
    const orderIds = await seedOrders(orm.em.fork(), 4);
    const invoiceRuns = await cp.spawnSubjects(invoiceReminders, invoiceIds);
    const orderRuns = await cp.spawnSubjects('order-report', orderIds);
    expect(invoiceRuns.map((r) => r.subjectId)).toEqual(invoiceIds);
    // Every third invoice is overdue: the contract routes it to the firm reminder.
    expect(invoiceRuns.map((r) => r.workflow)).toEqual(invoiceIds.map((id) => (Number(id) % 3 === 0 ? 'invoice-firm' : 'invoice-gentle')));
    expect(orderRuns.map((r) => r.workflow)).toEqual(Array(4).fill('order-report'));

    const runIds = [...invoiceRuns, ...orderRuns].map((r) => r.runId);
    const runs = await waitFor('10 completed runs', async () => {
      const found = await orm.em.fork().find(WorkflowRun, { id: { $in: runIds }, status: 'completed' });
      return found.length === runIds.length ? found : null;
    });
    const byId = new Map(runs.map((run) => [run.id, run]));
    for (const spawned of invoiceRuns) {
      const run = byId.get(spawned.runId)!;
      expect(run).toMatchObject({ spawnable: 'invoice-reminder', subjectId: spawned.subjectId, taskId: null, payloadVersion: 2 });
      const invoice = await orm.em.fork().findOneOrFail(Invoice, { id: Number(spawned.subjectId) }, { populate: ['customer'] });
      expect(run.result).toEqual(
        spawned.workflow === 'invoice-firm'
          ? { to: invoice.customer.$.email, text: `PAY ${invoice.amountCents} EUR` }
          : { to: invoice.customer.$.name, text: `${invoice.amountCents} EUR due 2026-12-24` },
      );
    }
    for (const spawned of orderRuns) {
      const run = byId.get(spawned.runId)!;
      expect(run).toMatchObject({ spawnable: 'order-report', subjectId: spawned.subjectId, workflow: 'order-report' });
      const lines = await orm.em
        .fork()
        .execute<{ sku: string; quantity: number }[]>('select sku, quantity from app_order_line where order_id = ? order by id', [spawned.subjectId]);
      expect(run.result).toEqual({ orderId: spawned.subjectId, units: lines.reduce((s, l) => s + l.quantity, 0), skus: lines.map((l) => l.sku) });
    }
  });

  it('spawns a constant number of statements per batch: 1,000 ids of each, then 2,000 (two batches)', async () => {
    const invoices = await seedInvoices(orm.em.fork(), 3_000, 50);
    const orders = await seedOrders(orm.em.fork(), 3_000);
    // Not run: only the statements of the spawn are counted; the relay is stopped so the jobs stay put.
    await cp.stopRelay();
    const measure = async (spawnable: string, ids: string[]) => (await counter.measure(() => cp.spawnSubjects(spawnable, ids))).statements;
    const invoice1k = await measure('invoice-reminder', invoices.slice(0, 1_000));
    const invoice2k = await measure('invoice-reminder', invoices.slice(1_000, 3_000));
    const order1k = await measure('order-report', orders.slice(0, 1_000));
    const order2k = await measure('order-report', orders.slice(1_000, 3_000));
    // One batch: SELECT invoices + SELECT their customers (select-in) + one write. Two batches: twice that, in BEGIN … COMMIT.
    expect({ invoice1k, invoice2k, order1k, order2k }).toEqual({ invoice1k: 3, invoice2k: 8, order1k: 3, order2k: 8 });
  });

  it('refuses unknown ids, an unknown spawnable, and an extract that reads a relation it did not populate', async () => {
    await expect(cp.spawnSubjects('invoice-reminder', ['999999'])).rejects.toThrow(new UnknownTaskError(['999999'], 'Invoice'));
    await expect(cp.spawnSubjects('nope', ['1'])).rejects.toThrow(UnknownSpawnableError);
    const [invoiceId] = await seedInvoices(orm.em.fork(), 1, 1);
    const careless = defineSpawnable({
      name: 'careless-reminder',
      contract: invoiceReminderContract,
      entity: Invoice,
      // @ts-expect-error -- no populate: `customer` is a Ref the type does not open (see tests/types/spawnable.types.ts)
      extract: (invoice) => ({ invoiceId: String(invoice.id), customerName: invoice.customer.$.name }) as never,
    });
    const own = await ControlPlane.open({
      config: testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix }),
      log: silentLog,
      orm,
      registry: cp.registry,
      spawnables: [careless],
    });
    try {
      const refused = own.spawnSubjects('careless-reminder', [invoiceId!]);
      await expect(refused).rejects.toThrow(RelationNotLoadedError);
      await expect(own.spawnSubjects('careless-reminder', [invoiceId!])).rejects.toThrow(
        `Invoice ${invoiceId}: relation "customer" is not loaded (add it to the spawnable's populate: ['customer'])`,
      );
    } finally {
      await own.close();
    }
    expect(await orm.em.fork().count(WorkflowRun, { spawnable: 'careless-reminder' })).toBe(0);
  });
});
