/**
 * Two relays, each with its own connection pool, over the same 5,000 outbox
 * rows: SKIP LOCKED gives each batch to one of them, so every row is sent
 * exactly once and Redis ends up with exactly 5,000 jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { ControlPlane } from '../../../src/control-plane/control-plane.js';
import { openOrm, type Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { WORKFLOW_QUEUE } from '../../../src/dto/index.js';
import { countOutbox } from '../../support/outbox-rows.js';
import { silentLog, testConfig } from '../../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';

describe('two relays at once', () => {
  const prefix = uniquePrefix('relays');
  let db: TestDatabase;
  let orm: Orm;
  let secondOrm: Orm;
  const planes: ControlPlane[] = [];
  let queue: Queue;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    secondOrm = await openOrm({ databaseUrl: db.url });
    queue = new Queue(WORKFLOW_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all(planes.map((cp) => cp.close()));
    await queue?.close();
    await secondOrm?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('dispatches each of 5,000 rows exactly once', async () => {
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix, NYX_RELAY_BATCH: '25' });
    const [first, second] = await Promise.all(
      [orm, secondOrm].map((o) => ControlPlane.open({ config, redisUrl: SHARED_REDIS_URL, log: silentLog, orm: o, recorder: false })),
    );
    planes.push(first!, second!);
    // Rows first, relays after: both start on a full outbox.
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 5_000 });
    await first!.spawn(taskIds);
    await Promise.all(planes.map((cp) => cp.start()));

    await waitFor('outbox drained', async () => (await first!.outboxLag()).pending === 0, 120_000);
    expect(await countOutbox(orm.em.fork(), { dispatched: true })).toBe(5_000);
    expect(first!.stats().dispatched + second!.stats().dispatched).toBe(5_000);
    expect(first!.stats().dispatched).toBeGreaterThan(0);
    expect(second!.stats().dispatched).toBeGreaterThan(0);
    expect(await queue.count()).toBe(5_000);
  });
});
