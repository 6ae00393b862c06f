/**
 * The session boundary on a real PostgreSQL: the MikroORM trap itself, the
 * extractor refusing it, validation errors that name the task and field, and
 * loading in a constant number of queries.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { wrap } from '@mikro-orm/core';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { MotivationalTask } from '../../src/control-plane/entities/index.js';
import { InvalidTaskContextError, RelationNotLoadedError, UnknownTaskError } from '../../src/producers/errors/index.js';
import { extractTaskContext, type SpawnableTask } from '../../src/producers/extract-task-context.js';
import { loadSpawnableTasks } from '../../src/producers/load-spawnable-tasks.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';

describe('extracting TaskSpawnContext at the session boundary', () => {
  let db: TestDatabase;
  let orm: Orm;
  let taskIds: string[];
  const queries: string[] = [];

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase({ onQuery: (sql) => queries.push(sql) }));
    taskIds = await seedTasks(orm.em.fork(), { tasks: 1_000 });
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('is loud without populate: the Ref relation throws when read, its key stays readable', async () => {
    const task = await orm.em.fork().findOneOrFail(MotivationalTask, { id: taskIds[0]! });
    expect(task.motivationalState.isInitialized()).toBe(false);
    expect(() => task.motivationalState.getEntity()).toThrow(/Reference<MotivationalState> \d+ not initialized/);
    expect(wrap(task.motivationalState.unwrap()).isInitialized()).toBe(false);
    // JSON.stringify (what queue.add does) keeps only the key, and the date becomes a string.
    const json = JSON.parse(JSON.stringify(task));
    expect(json.motivationalState).toBe(task.motivationalState.id);
    expect(typeof json.createdAt).toBe('string');
  });

  it('refuses a task whose relation was not loaded, naming task and relation', async () => {
    const task = await orm.em.fork().findOneOrFail(MotivationalTask, { id: taskIds[0]! });
    // The cast is the lie a type cannot catch; the run-time check does.
    expect(() => extractTaskContext(task as unknown as SpawnableTask)).toThrow(RelationNotLoadedError);
    expect(() => extractTaskContext(task as unknown as SpawnableTask)).toThrow(`task ${taskIds[0]}: relation "motivationalState" is not loaded`);
  });

  it('extracts a plain, validated context from a populated task', async () => {
    const [task] = await loadSpawnableTasks(orm.em.fork(), [taskIds[2]!]);
    const context = extractTaskContext(task!);
    expect(context).toEqual({
      taskId: task!.id,
      generatedPrompt: task!.generatedPrompt,
      motivationType: task!.motivationalState.$.motivationType,
      intensity: task!.motivationalState.$.intensity,
      priority: task!.taskPriority,
      arbitrationScore: task!.arbitrationScore,
      createdAt: task!.createdAt,
      metadata: { seed: 2, source: 'demo' },
    });
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
    expect(context.createdAt).toBeInstanceOf(Date);
  });

  it('names the task and every failing field when values break the schema', async () => {
    const em = orm.em.fork();
    const [task] = await loadSpawnableTasks(em, [taskIds[3]!]);
    task!.generatedPrompt = '';
    task!.arbitrationScore = Number.NaN;
    let error: unknown;
    try {
      extractTaskContext(task!);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTaskContextError);
    const invalid = error as InvalidTaskContextError;
    expect(invalid.taskId).toBe(task!.id);
    expect(invalid.fields.map((f) => f.path).sort()).toEqual(['arbitrationScore', 'generatedPrompt']);
    expect(invalid.message).toContain(`task ${task!.id}: invalid spawn context`);
  });

  it('reports unknown ids by name and loads nothing partially', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(loadSpawnableTasks(orm.em.fork(), [taskIds[0]!, missing])).rejects.toThrow(new UnknownTaskError([missing]));
  });

  it('loads 1,000 tasks with their states in one query, not 1,001', async () => {
    queries.length = 0;
    const tasks = await loadSpawnableTasks(orm.em.fork(), taskIds);
    const selects = queries.filter((sql) => /\bselect\b/i.test(sql));
    expect(tasks).toHaveLength(1_000);
    expect(tasks.every((task) => wrap(task.motivationalState).isInitialized())).toBe(true);
    expect(selects).toHaveLength(1);
    expect(tasks.map((task) => extractTaskContext(task).taskId)).toEqual(taskIds);
  });
});
