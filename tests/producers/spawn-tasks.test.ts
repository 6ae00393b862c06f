/**
 * spawnTasks on a real PostgreSQL: one run and one outbox row per task, in
 * one transaction or the caller's; refusals write nothing; the statement
 * count does not grow with the number of tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { openTaskSpawnEnvelope } from '../../src/dto/index.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../src/control-plane/entities/index.js';
import { countOutbox, readOutboxOf } from '../support/outbox-rows.js';
import { PayloadTooLargeError, UnknownTaskError, UnknownWorkflowError } from '../../src/producers/errors/index.js';
import { spawnTasks } from '../../src/producers/spawn-tasks.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';

const options = { registry: defaultRegistry, maxPayloadBytes: 65_536 };

/** A task with a state of its own, written through the unit of work (flush). */
async function createTask(em: EntityManager, motivationType: string, generatedPrompt: string): Promise<MotivationalTask> {
  const state = em.create(MotivationalState, { motivationType, intensity: 0.5, description: null });
  const task = em.create(MotivationalTask, { generatedPrompt, taskPriority: 1, arbitrationScore: 0.1, metadata: null, motivationalState: state });
  await em.flush();
  return task;
}

describe('spawnTasks', () => {
  let db: TestDatabase;
  let orm: Orm;
  const queries: string[] = [];

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase({ onQuery: (sql) => queries.push(sql) }));
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const OUTBOX = 'outbox';
  const count = async (what: typeof WorkflowRun | typeof OUTBOX) => (what === WorkflowRun ? orm.em.fork().count(WorkflowRun, {}) : countOutbox(orm.em.fork()));

  it('writes one pending run per task holding the validated envelope, undispatched', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [spawned] = await spawnTasks(orm.em, [taskId!], options);
    const em = orm.em.fork();
    const run = await em.findOneOrFail(WorkflowRun, { id: spawned!.runId });
    const message = await readOutboxOf(em, spawned!.runId);
    expect(run.status).toBe('pending');
    expect(run.workflow).toBe(spawned!.workflow);
    expect(message.dispatchedAt).toBeNull();
    const opened = openTaskSpawnEnvelope(message.payload);
    expect(opened.ok && opened.context.taskId).toBe(taskId);
  });

  it('uses the same number of statements for 1,000 tasks as for 10', async () => {
    const small = await seedTasks(orm.em.fork(), { tasks: 10 });
    const large = await seedTasks(orm.em.fork(), { tasks: 1_000 });
    queries.length = 0;
    await spawnTasks(orm.em, small, options);
    const forSmall = queries.length;
    queries.length = 0;
    await spawnTasks(orm.em, large, options);
    expect(queries.length).toBe(forSmall);
    // select tasks, select their states (select-in), insert runs (with their payloads) + notify: no BEGIN/COMMIT
    expect(forSmall).toBeLessThanOrEqual(3);
  });

  it('writes nothing when any id is unknown or malformed', async () => {
    const [known] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const before = [await count(WorkflowRun), await count(OUTBOX)];
    await expect(spawnTasks(orm.em, [known!, 'not-a-uuid'], options)).rejects.toThrow(new UnknownTaskError(['not-a-uuid']));
    const unknown = '11111111-1111-4111-8111-111111111111';
    await expect(spawnTasks(orm.em, [known!, unknown], options)).rejects.toThrow(UnknownTaskError);
    expect([await count(WorkflowRun), await count(OUTBOX)]).toEqual(before);
  });

  it('refuses a task no workflow handles, at spawn time', async () => {
    const task = await createTask(orm.em.fork(), 'boredom', 'Stare at the wall.');
    await expect(spawnTasks(orm.em, [task.id], options)).rejects.toThrow(UnknownWorkflowError);
    await expect(spawnTasks(orm.em, [task.id], options)).rejects.toThrow(`no workflow handles motivation type "boredom"`);
  });

  it('refuses a payload over the size limit, naming task and sizes', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const before = await count(OUTBOX);
    await expect(spawnTasks(orm.em, [taskId!], { ...options, maxPayloadBytes: 300 })).rejects.toThrow(PayloadTooLargeError);
    await expect(spawnTasks(orm.em, [taskId!], { ...options, maxPayloadBytes: 300 })).rejects.toThrow(/over the limit of 300/);
    expect(await count(OUTBOX)).toBe(before);
  });

  it("joins the caller's transaction: a rollback leaves no run and no outbox row", async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const before = [await count(WorkflowRun), await count(OUTBOX)];
    await expect(
      orm.em.fork().transactional(async (em) => {
        const runs = await spawnTasks(em, [taskId!], options);
        expect(runs).toHaveLength(1);
        throw new Error('application changed its mind');
      }),
    ).rejects.toThrow('application changed its mind');
    expect([await count(WorkflowRun), await count(OUTBOX)]).toEqual(before);
  });

  it("creates a task and spawns it atomically inside the caller's transaction", async () => {
    const runId = await orm.em.fork().transactional(async (em) => {
      const task = await createTask(em, 'curiosity', 'Why is the sky blue at noon and red at dusk?');
      const [run] = await spawnTasks(em, [task.id], options);
      return run!.runId;
    });
    expect((await readOutboxOf(orm.em.fork(), runId)).payload).not.toBeNull();
  });
});
