/**
 * Migration20261202100000_generic_runs on a database with runs in it: the
 * existing runs become the built-in spawnable's (subject = their task),
 * nothing is lost, and afterwards a run may name a subject of any entity
 * (no foreign key to motivational_task any more).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openOrm, type Orm } from '../../../src/control-plane/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

describe('the generic-runs migration', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await openOrm({ databaseUrl: db.url });
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('keeps existing runs as motivational-task runs and drops the foreign key', async () => {
    await orm.migrator.up({ to: 'Migration20261201160100_schedules' });
    const em = orm.em.fork();
    const [state] = await em.execute<{ id: number }[]>(
      `insert into motivational_state (motivation_type, intensity, created_at) values ('curiosity', 0.5, now()) returning id`,
    );
    const taskId = randomUUID();
    await em.execute(
      `insert into motivational_task (id, generated_prompt, task_priority, arbitration_score, motivational_state_id, created_at) values (?, 'p', 1, 0.5, ?, now())`,
      [taskId, state!.id],
    );
    const runIds = [randomUUID(), randomUUID()];
    for (const id of runIds) {
      await em.execute(
        `insert into workflow_run (id, task_id, workflow, status, payload_version, enqueued_at) values (?, ?, 'keywords', 'completed', 2, now())`,
        [id, taskId],
      );
    }

    await orm.migrator.up();
    const runs = await em.execute<{ id: string; spawnable: string; subject_id: string; task_id: string }[]>(
      `select id, spawnable, subject_id, task_id from workflow_run order by id`,
    );
    expect(runs).toEqual(runIds.sort().map((id) => ({ id, spawnable: 'motivational-task', subject_id: taskId, task_id: taskId })));

    // Any spawnable's subject now: no foreign key, no task.
    await em.execute(
      `insert into workflow_run (id, spawnable, subject_id, workflow, status, payload_version, enqueued_at) values (?, 'invoice-reminder', '42', 'invoice-firm', 'pending', 1, now())`,
      [randomUUID()],
    );
    await expect(
      em.execute(`insert into workflow_run (id, task_id, workflow, status, payload_version, enqueued_at) values (?, ?, 'noop', 'pending', 1, now())`, [
        randomUUID(),
        taskId,
      ]),
    ).rejects.toThrow(/null value in column "spawnable"/);

    // And back down: the built-in runs stay, the others go with the columns.
    await orm.migrator.down({ to: 'Migration20261201160100_schedules' });
    expect(await em.execute(`select count(*)::int as n from workflow_run`)).toEqual([{ n: 2 }]);
  });
});
