/**
 * spawnTasks' `metadata` option on a real PostgreSQL: merged into every
 * task's payload (the caller's keys win), and refused before anything is
 * written when it is not a plain JSON object — even when the type guard was
 * bypassed with a cast, as a JavaScript caller would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { openTaskSpawnEnvelope } from '../../src/dto/index.js';
import { MotivationalState, WorkflowRun } from '../../src/control-plane/entities/index.js';
import { countOutbox, readOutbox } from '../support/outbox-rows.js';
import { InvalidSpawnMetadataError, NotPlainJsonError } from '../../src/producers/errors/index.js';
import { spawnTasks } from '../../src/producers/spawn-tasks.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';

const options = { registry: defaultRegistry, maxPayloadBytes: 65_536 };

describe('spawnTasks with extra metadata', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const counts = async () => {
    const em = orm.em.fork();
    return [await em.count(WorkflowRun, {}), await countOutbox(em)];
  };

  it("merges it into each task's metadata in the outbox payload, the caller's keys winning", async () => {
    const ids = await seedTasks(orm.em.fork(), { tasks: 3 });
    const runs = await spawnTasks(orm.em, ids, { ...options, metadata: { requestedBy: 'ops', source: 'api', tags: ['a', 'b'] } });
    const messages = await readOutbox(
      orm.em.fork(),
      runs.map((r) => r.runId),
    );
    expect(messages).toHaveLength(3);
    const metadata = messages.map((message) => {
      const opened = openTaskSpawnEnvelope(message.payload);
      if (!opened.ok) throw new Error(opened.reason);
      return [opened.context.taskId, opened.context.metadata];
    });
    // seedTasks gives task i the metadata { seed: i, source: 'demo' }.
    expect(metadata).toEqual(ids.map((id, i) => [id, { seed: i, source: 'api', requestedBy: 'ops', tags: ['a', 'b'] }]));
  });

  it('refuses an entity in it, naming the path, and writes nothing', async () => {
    const ids = await seedTasks(orm.em.fork(), { tasks: 2 });
    const owner = await orm.em.fork().findOneOrFail(MotivationalState, { motivationType: 'curiosity' }, { orderBy: { id: 'asc' } });
    const before = await counts();
    // The cast stands for any caller the types do not reach.
    const spawning = spawnTasks(orm.em, ids, { ...options, metadata: { audit: { owner } } as never });
    await expect(spawning).rejects.toThrow(NotPlainJsonError);
    await expect(spawnTasks(orm.em, ids, { ...options, metadata: { audit: { owner } } as never })).rejects.toThrow(
      'metadata.audit.owner: MikroORM entity MotivationalState is not plain JSON (managed by an EntityManager; copy the fields you need into a DTO)',
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses a Date, and metadata that is not an object, before reading any task', async () => {
    const unknownTask = '11111111-1111-4111-8111-111111111111';
    await expect(spawnTasks(orm.em, [unknownTask], { ...options, metadata: { at: new Date(0) } as never })).rejects.toThrow(
      'metadata.at: a Date is not plain JSON (send an ISO string; the schema turns it back into a Date)',
    );
    await expect(spawnTasks(orm.em, [unknownTask], { ...options, metadata: ['a'] as never })).rejects.toThrow(new InvalidSpawnMetadataError('an array'));
    await expect(spawnTasks(orm.em, [], { ...options, metadata: 'ops' as never })).rejects.toThrow(
      'metadata: a string is not a JSON object — pass an object such as { requestedBy: "ops" }',
    );
  });
});
