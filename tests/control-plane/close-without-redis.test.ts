/**
 * A control plane stopped while Redis is away (a shutdown during an outage)
 * still closes, within the grace period (close-or-drop.ts): BullMQ's Worker
 * close() does not return while its connection is reconnecting, and a
 * Queue's close() rethrows QUIT's refusal. What it spawned meanwhile stays
 * in PostgreSQL for the next control plane. Uses a private redis-server it stops.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { startPrivateRedis } from '../../src/tools/demo/ensure-redis.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

describe('closing a control plane while Redis is down', () => {
  let db: TestDatabase;
  let orm: Orm;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    redis = await startPrivateRedis();
  });

  afterAll(async () => {
    await redis?.stop();
    await orm?.close();
    await db?.drop();
  });

  it('resolves, and the runs it spawned wait in PostgreSQL', async () => {
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: 'nyx-close-down' });
    const cp = await ControlPlane.open({ config, redisUrl: redis.url, log: silentLog, orm });
    await cp.start();
    await redis.stop();
    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 5 }));
    await waitFor('the relay to notice Redis is down', () => cp.stats().relayFailuresInARow >= 2);
    await expect(cp.close()).resolves.toBeUndefined();
    const [row] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from workflow_run where dispatched_at is null`);
    expect(Number(row!.n)).toBe(runs.length);
  });
});
