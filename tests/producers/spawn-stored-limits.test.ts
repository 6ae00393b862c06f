/**
 * spawnTasks reads stored data that any program may have written: the
 * limits the API applies (src/dto/input-limits.ts) protect it as well —
 * metadata too deep, too many keys or too long a string is refused with
 * the task and the field named, before a recursive parser walks it — and
 * task ids are accepted in any case (the CLI's `nyx spawn A1B2…`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { METADATA_LIMITS } from '../../src/dto/input-limits.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { readOutboxOf } from '../support/outbox-rows.js';
import { InvalidTaskContextError, NotPlainJsonError } from '../../src/producers/errors/index.js';
import { extractTaskContext } from '../../src/producers/extract-task-context.js';
import { loadSpawnableTasks } from '../../src/producers/load-spawnable-tasks.js';
import { spawnTasks } from '../../src/producers/spawn-tasks.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';

const options = { registry: defaultRegistry, maxPayloadBytes: 10_000_000 };

describe('spawnTasks and stored data', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  /** Writes metadata with plain SQL, as another program would (no API check on the way in). */
  const storeMetadata = async (taskId: string, json: string) =>
    orm.em.fork().getConnection().execute('update motivational_task set metadata = ?::jsonb where id = ?', [json, taskId]);
  const runsOf = async (taskId: string) => orm.em.fork().count(WorkflowRun, { taskId: taskId });

  it.each([
    ['17 levels deep', `{"a":${'['.repeat(16)}${']'.repeat(16)}}`, /^metadata\.a(\[0\]){15}$/, /nested deeper than the limit of 16 levels/],
    // Deep enough to overflow the stack while MikroORM hydrates the row.
    ['5,000 levels deep', `{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, /^metadata/, /nested deeper than the limit of 16 levels/],
    [
      'too many keys',
      JSON.stringify(Object.fromEntries(Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]))),
      /^metadata$/,
      /more than the limit of 1000 keys/,
    ],
    ['too long a string', JSON.stringify({ note: 'x'.repeat(METADATA_LIMITS.maxStringLength + 1) }), /^metadata\.note$/, /longer than the limit of 10000/],
    ['a __proto__ key', '{"__proto__": {"admin": true}}', /^metadata\.__proto__$/, /the key "__proto__" is refused/],
  ])('metadata %s: InvalidTaskContextError naming the task and the field; nothing written', async (_what, json, path, reason) => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    await storeMetadata(taskId!, json);
    const error = await spawnTasks(orm.em, [taskId!], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskContextError);
    const { fields, message } = error as InvalidTaskContextError;
    expect(message).toContain(taskId!);
    expect(fields).toHaveLength(1);
    expect(fields[0]!.path).toMatch(path);
    expect(fields[0]!.message).toMatch(reason);
    expect(await runsOf(taskId!)).toBe(0);
  });

  it("the caller's extra metadata meets the same limits", async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) deep = { a: deep };
    await expect(spawnTasks(orm.em, [taskId!], { ...options, metadata: deep as never })).rejects.toThrow(NotPlainJsonError);
    await expect(spawnTasks(orm.em, [taskId!], { ...options, metadata: { note: 'nul\u0000' } as never })).rejects.toThrow(/metadata\.note.*NUL/);
    expect(await runsOf(taskId!)).toBe(0);
  });

  // PostgreSQL cannot hold these, so they reach extraction only from memory (a task the application just built or changed).
  it.each([
    ['a NUL in the prompt', (task: { generatedPrompt: string }) => (task.generatedPrompt = 'a\u0000b'), 'generatedPrompt', /NUL/],
    [
      'a lone surrogate in the prompt',
      (task: { generatedPrompt: string }) => (task.generatedPrompt = 'half \ud83d'),
      'generatedPrompt',
      /lone UTF-16 surrogate/,
    ],
    ['a lone surrogate in metadata', (task: { metadata: unknown }) => (task.metadata = { notes: ['\udc00'] }), 'metadata.notes[0]', /lone UTF-16 surrogate/],
  ] as const)('extraction refuses %s, naming the field, instead of letting the driver rewrite it', async (_what, spoil, path, reason) => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [task] = await loadSpawnableTasks(orm.em.fork(), [taskId!]);
    spoil(task as never);
    const error = (() => {
      try {
        extractTaskContext(task!);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidTaskContextError);
    expect((error as InvalidTaskContextError).fields).toEqual([{ path, message: expect.stringMatching(reason) }]);
  });

  it('upper-case task ids are the same tasks; runs and rows carry the lower-case id', async () => {
    const [taskId] = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [spawned] = await spawnTasks(orm.em, [taskId!.toUpperCase()], options);
    expect(spawned!.taskId).toBe(taskId);
    const message = await readOutboxOf(orm.em.fork(), spawned!.runId);
    expect(JSON.stringify(message.payload)).toContain(taskId!);
    expect(await runsOf(taskId!)).toBe(1);
  });
});
