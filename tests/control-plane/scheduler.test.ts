/**
 * The Scheduler against real PostgreSQL, with a clock passed to tick(): two
 * schedulers ticking at the same moment fire each slot once; slots missed
 * past the window are skipped and counted; a slot whose spawn fails is
 * recorded with its error and not tried again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { insertSchedule } from '../../src/control-plane/schedule-sql.js';
import { Scheduler } from '../../src/control-plane/scheduler.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { silentLog } from '../support/test-config.js';

describe('Scheduler', () => {
  let db: TestDatabase;
  let orm: Orm;
  const spawned: string[][] = [];
  let failSpawn = false;

  const scheduler = () =>
    new Scheduler({
      em: () => orm.em.fork(),
      spawn: async (em, taskIds) => {
        // A write in the spawn's transaction, so a rollback would undo it.
        await em.execute('select 1');
        if (failSpawn) throw new Error('unknown task id: gone');
        spawned.push([...taskIds]);
        return taskIds.map(() => crypto.randomUUID());
      },
      wake: () => {},
      tickMs: 1_000,
      misfireMs: 5_000,
      log: silentLog,
    });

  const fires = async () =>
    (
      await (orm.em.fork() as SqlEntityManager).execute<{ slot: Date; run_ids: string[]; error: string | null }[]>(
        `select slot, run_ids, error from schedule_fire order by slot`,
      )
    ).map((row) => ({
      slot: new Date(row.slot).toISOString(),
      runs: row.run_ids.length,
      error: row.error,
    }));

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('fires each slot once when two schedulers tick together, then skips and counts missed slots', async () => {
    const taskId = crypto.randomUUID();
    const createdAt = new Date('2026-12-01T10:00:00.000Z');
    await insertSchedule(orm.em.fork(), {
      id: crypto.randomUUID(),
      name: 's',
      cron: '* * * * * *',
      timeZone: 'UTC',
      taskIds: [taskId],
      paused: false,
      createdAt,
    });
    const [a, b] = [scheduler(), scheduler()];
    const now = new Date('2026-12-01T10:00:03.200Z');
    await Promise.all([a.tick(now), b.tick(now)]);
    expect(await fires()).toEqual(['01', '02', '03'].map((s) => ({ slot: `2026-12-01T10:00:${s}.000Z`, runs: 1, error: null })));
    expect(spawned).toHaveLength(3);

    // 20 s later: slots 04..18 are past the 5 s window (18.5 s, 23.5 s], 19..23 inside it.
    await a.tick(new Date('2026-12-01T10:00:23.500Z'));
    const slots = (await fires()).map((f) => f.slot.slice(17, 19));
    expect(slots).toEqual(['01', '02', '03', ...Array.from({ length: 5 }, (_, i) => String(19 + i))]);
    expect(a.skippedSlots.get('s')).toBe(15);
  });

  it('records a slot whose spawn fails, once, and moves on', async () => {
    await (orm.em.fork() as SqlEntityManager).execute('delete from schedule');
    spawned.length = 0;
    await insertSchedule(orm.em.fork(), {
      id: crypto.randomUUID(),
      name: 'broken',
      cron: '* * * * * *',
      timeZone: 'UTC',
      taskIds: [crypto.randomUUID()],
      paused: false,
      createdAt: new Date('2026-12-01T11:00:00.000Z'),
    });
    failSpawn = true;
    const s = scheduler();
    await s.tick(new Date('2026-12-01T11:00:01.100Z'));
    await s.tick(new Date('2026-12-01T11:00:01.600Z'));
    expect(await fires()).toEqual([{ slot: '2026-12-01T11:00:01.000Z', runs: 0, error: 'unknown task id: gone' }]);
    expect(spawned).toHaveLength(0);
    failSpawn = false;
  });
});
