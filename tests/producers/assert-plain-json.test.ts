/**
 * assertPlainJson: every kind of non-plain value is refused with its JSON path,
 * what it is and what to do — MikroORM objects taken from a real PostgreSQL
 * database (a managed entity, an unloaded relation stub, Reference, Collection),
 * and plain JavaScript oddities. Plain data, shared subtrees and null-prototype
 * objects pass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ref, Reference, wrap } from '@mikro-orm/core';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { MotivationalState, MotivationalTask } from '../../src/control-plane/entities/index.js';
import { assertPlainJson } from '../../src/producers/assert-plain-json.js';
import { NotPlainJsonError } from '../../src/producers/errors/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';

const DTO = 'copy the fields you need into a DTO';

/** The error assertPlainJson throws for `value`, or a failure when it throws none. */
function refusal(value: unknown, path = 'metadata'): NotPlainJsonError {
  try {
    assertPlainJson(value, path);
  } catch (error) {
    if (error instanceof NotPlainJsonError) return error;
    throw error;
  }
  throw new Error('assertPlainJson accepted the value');
}

describe('assertPlainJson with real MikroORM objects', () => {
  let db: TestDatabase;
  let orm: Orm;
  let taskId: string;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    [taskId] = (await seedTasks(orm.em.fork(), { tasks: 1, motivationTypes: ['curiosity'] })) as [string];
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('names a managed entity, by class, at its path', async () => {
    const em = orm.em.fork();
    const task = await em.findOneOrFail(MotivationalTask, taskId, { populate: ['motivationalState'] });
    expect(wrap(task.motivationalState).isManaged()).toBe(true);
    expect(refusal({ owner: task.motivationalState.$ }).message).toBe(
      `metadata.owner: MikroORM entity MotivationalState is not plain JSON (managed by an EntityManager; ${DTO})`,
    );
    expect(refusal({ tasks: [task] }, 'payload.data').message).toBe(
      `payload.data.tasks[0]: MikroORM entity MotivationalTask is not plain JSON (managed by an EntityManager; ${DTO})`,
    );
  });

  it('names an unloaded relation (a task loaded without populate) as a reference with only its key', async () => {
    const task = await orm.em.fork().findOneOrFail(MotivationalTask, taskId);
    expect(wrap(task.motivationalState).isInitialized()).toBe(false);
    expect(refusal({ state: task.motivationalState.unwrap() }).message).toBe(
      `metadata.state: MikroORM entity MotivationalState is not plain JSON (an unloaded reference: only its primary key is set; ${DTO})`,
    );
  });

  it('names em.getReference stubs and Reference wrappers, loaded or not', async () => {
    const em = orm.em.fork();
    const task = await em.findOneOrFail(MotivationalTask, taskId);
    const stateId = task.motivationalState.id;
    const stub = em.getReference(MotivationalState, stateId);
    expect(refusal({ stub }).message).toBe(
      `metadata.stub: MikroORM entity MotivationalState is not plain JSON (an unloaded reference: only its primary key is set; ${DTO})`,
    );

    const wrapped = em.getReference(MotivationalState, stateId, { wrapped: true });
    expect(Reference.isReference(wrapped)).toBe(true);
    expect(refusal({ audit: { by: wrapped } }).message).toBe(
      `metadata.audit.by: MikroORM Reference to MotivationalState is not plain JSON (not loaded: only its primary key is known; ${DTO})`,
    );

    await wrapped.load();
    expect(refusal({ by: wrapped }).message).toBe(`metadata.by: MikroORM Reference to MotivationalState is not plain JSON (loaded; ${DTO})`);
    expect(refusal({ by: ref(task) }).message).toBe(`metadata.by: MikroORM Reference to MotivationalTask is not plain JSON (loaded; ${DTO})`);
  });

  it('names a Collection, initialized or not', async () => {
    const em = orm.em.fork();
    const task = await em.findOneOrFail(MotivationalTask, taskId, { populate: ['motivationalState'] });
    const tasks = task.motivationalState.$.tasks;
    expect(tasks.isInitialized()).toBe(false);
    expect(refusal({ tasks }).message).toBe(
      'metadata.tasks: MikroORM Collection of MotivationalState is not plain JSON (not initialized; map its items to DTOs)',
    );

    await tasks.init();
    expect(refusal([{ tasks }], 'items').message).toBe(
      'items[0].tasks: MikroORM Collection of MotivationalState is not plain JSON (initialized; map its items to DTOs)',
    );
  });

  it('names a new entity that no EntityManager manages', () => {
    const state = new MotivationalState();
    expect(refusal({ state }).message).toBe(`metadata.state: MikroORM entity MotivationalState is not plain JSON (an entity instance; ${DTO})`);
  });

  it("refuses the ORM's own toObject() output where it still holds a Date", async () => {
    const state = await orm.em.fork().findOneOrFail(MotivationalState, { motivationType: 'curiosity' });
    expect(refusal(wrap(state).toObject(), 'state').message).toBe(
      'state.createdAt: a Date is not plain JSON (send an ISO string; the schema turns it back into a Date)',
    );
  });
});

describe('assertPlainJson on plain JavaScript values', () => {
  class Money {
    constructor(
      readonly amount: number,
      readonly currency: string,
    ) {}
  }

  it('accepts plain data: nested objects and arrays, null, null-prototype objects, shared subtrees', () => {
    const shared = { id: 1 };
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(() => assertPlainJson({ a: 'x', n: -0.5, ok: true, none: null, list: [1, [2, [3]]], bare, left: shared, right: [shared] })).not.toThrow();
  });

  it('refuses undefined, which JSON would drop or turn into null', () => {
    expect(refusal({ a: 1, gone: undefined }).message).toBe('metadata.gone: undefined is not plain JSON (JSON drops the key; use null or leave the key out)');
    expect(refusal([1, undefined]).message).toBe('metadata[1]: undefined in an array is not plain JSON (JSON turns it into null; use null)');
    expect(refusal(undefined).message).toBe('metadata: undefined is not plain JSON (use null)');
  });

  it.each([
    [
      'a class instance',
      { price: new Money(1, 'EUR') },
      'metadata.price: an instance of Money is not plain JSON (JSON keeps its fields but not its class; copy the fields you need into a DTO)',
    ],
    ['a function', { onDone: function onDone() {} }, 'metadata.onDone: a function (onDone) is not plain JSON (send data, not code)'],
    ['a BigInt', { big: [1n] }, 'metadata.big[0]: a BigInt is not plain JSON (JSON.stringify throws on it; send a string or a number)'],
    ['a Date', { at: new Date(0) }, 'metadata.at: a Date is not plain JSON (send an ISO string; the schema turns it back into a Date)'],
    ['a Map', { m: new Map([['a', 1]]) }, 'metadata.m: a Map is not plain JSON (send an object or an array of pairs)'],
    ['a Set', { s: new Set([1]) }, 'metadata.s: a Set is not plain JSON (send an array)'],
    ['a Promise', { p: Promise.resolve(1) }, 'metadata.p: a Promise is not plain JSON (await it first)'],
    ['a Buffer', { b: Buffer.from('x') }, 'metadata.b: binary data is not plain JSON (send it as a base64 string)'],
    ['a symbol value', { s: Symbol('x') }, 'metadata.s: a symbol is not plain JSON (send a string)'],
    ['NaN', { score: Number.NaN }, 'metadata.score: the number NaN is not plain JSON (JSON turns it into null)'],
    ['Infinity', { score: Infinity }, 'metadata.score: the number Infinity is not plain JSON (JSON turns it into null)'],
    [
      'a boxed string',
      { s: new String('x') },
      'metadata.s: an instance of String is not plain JSON (JSON keeps its fields but not its class; copy the fields you need into a DTO)',
    ],
  ])('refuses %s, naming its path', (_kind, value, message) => {
    expect(refusal(value).message).toBe(message);
  });

  it('refuses a symbol key, which JSON would drop silently', () => {
    expect(refusal({ a: { ok: 1, [Symbol('secret')]: 2 } }).message).toBe(
      'metadata.a[Symbol(secret)]: a symbol-keyed property is not plain JSON (JSON drops it; use a string key)',
    );
  });

  it('refuses a getter without running it', () => {
    let ran = false;
    const value = {
      get lazy() {
        ran = true;
        return 1;
      },
    };
    expect(refusal({ value }).message).toBe('metadata.value.lazy: a getter/setter property is not plain JSON (JSON.stringify would run it; copy its value)');
    expect(ran).toBe(false);
  });

  it('refuses a non-enumerable property, which JSON would drop', () => {
    const value = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
    expect(refusal(value).message).toBe('metadata.hidden: a non-enumerable property is not plain JSON (JSON drops it)');
  });

  it('refuses a "__proto__" key (as JSON.parse creates it)', () => {
    const value = JSON.parse('{"user": {"__proto__": {"isAdmin": true}}}') as unknown;
    expect(refusal(value).message).toBe(
      'metadata.user.__proto__: a "__proto__" key is not plain JSON (code that merges the payload into an object could have its prototype replaced; rename it)',
    );
  });

  it('refuses holes in a sparse array and extra properties on an array', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is what is tested
    expect(refusal({ list: [1, , 3] }).message).toBe('metadata.list[1]: a hole in a sparse array is not plain JSON (JSON turns it into null; use null)');
    const tagged = Object.assign([1, 2], { note: 'x' });
    expect(refusal({ tagged }).message).toBe('metadata.tagged.note: a non-index property on an array is not plain JSON (JSON drops it)');
  });

  it('refuses an Array subclass', () => {
    class Tags extends Array<string> {}
    expect(refusal({ tags: Tags.from(['a']) }).message).toMatch(/^metadata\.tags: an instance of Tags is not plain JSON/);
  });

  it('refuses a cycle, naming where it closes and where it started', () => {
    const node: { name: string; children: unknown[] } = { name: 'root', children: [] };
    node.children.push({ name: 'child', parent: node });
    expect(refusal({ tree: node }).message).toBe(
      'metadata.tree.children[0].parent: a circular reference is not plain JSON (back to metadata.tree; JSON.stringify throws on it)',
    );
  });

  it('quotes keys that are not identifiers', () => {
    expect(refusal({ 'two words': { 'a.b': new Date(0) } }).message).toMatch(/^metadata\["two words"\]\["a\.b"\]: a Date is not plain JSON/);
  });

  it('refuses nesting deeper than 64 levels', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(refusal(deep).message).toMatch(/^metadata(\.d){64}: nesting deeper than 64 levels is not plain JSON \(flatten it\)$/);
  });

  it('keeps the path, what was found and the hint on the error', () => {
    const error = refusal({ at: new Date(0) });
    expect(error).toBeInstanceOf(NotPlainJsonError);
    expect(error.name).toBe('NotPlainJsonError');
    expect([error.path, error.found]).toEqual(['metadata.at', 'a Date']);
  });
});
