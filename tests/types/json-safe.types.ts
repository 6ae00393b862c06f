/**
 * Type tests for the compile-time boundary (`JsonSafe`, src/dto/json-safe.ts)
 * and the public APIs that use it. Nothing here runs: `npm run typecheck`
 * compiles this file in CI. Each `@ts-expect-error` line must stay an error —
 * if the guard is weakened so that one of them compiles, tsc reports an
 * unused `@ts-expect-error` and the check fails. The `Expect<Equal<…>>` lines
 * pin what is accepted and the exact messages.
 */
import type { Collection, Loaded, Ref, ScalarReference } from '@mikro-orm/core';
import type { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { IsJsonSafe, JsonProblems, JsonSafe, JsonSafeObject, JsonValue, NotJsonSafe } from '../../src/dto/index.js';
import { TaskSpawnContextV1 } from '../../src/dto/index.js';
import type { MotivationalState, MotivationalTask, WorkflowRun } from '../../src/control-plane/entities/index.js';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { spawnTasks } from '../../src/producers/spawn-tasks.js';
import { defineWorkflow } from '../../src/workers/workflows/workflow.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** Accepts what `JsonSafe` accepts: the way public APIs use it. */
declare function json<T>(value: JsonSafe<T>): T;

// ─── Accepted: JsonSafe<T> is T itself ──────────────────────────────────────

interface Owner {
  id: number;
  name: string;
  tags: readonly string[];
  manager?: Owner | null;
}
type Plain = { a: string; b?: number; c: { d: (number | null)[] }[]; e: true; f: 'x' | 'y'; g: [number, string] };

export type Accepted = [
  Expect<Equal<JsonSafe<string>, string>>,
  Expect<Equal<JsonSafe<number | null>, number | null>>,
  Expect<Equal<JsonSafe<Plain>, Plain>>,
  Expect<Equal<JsonSafe<Owner>, Owner>>,
  Expect<Equal<JsonSafe<Owner[]>, Owner[]>>,
  Expect<Equal<JsonSafe<JsonValue>, JsonValue>>,
  Expect<Equal<JsonSafe<Record<string, JsonValue>>, Record<string, JsonValue>>>,
  // An optional property means "the key may be absent".
  Expect<Equal<JsonSafe<{ optional?: string; spread?: number | null }>, { optional?: string; spread?: number | null }>>,
  // `any` opts out (the run-time guard still walks it).
  Expect<Equal<JsonSafe<any>, any>>,
  Expect<Equal<IsJsonSafe<{ deep: { deeper: { deepest: { leaf: string[] }[] } } }>, true>>,
  Expect<Equal<JsonSafeObject<Owner, 'metadata'>, Owner>>,
];

json({ owner: { id: 1, name: 'Ada', tags: ['ops'] }, scores: [1, 2, 3], note: null });
json(['a', 1, true, null, { nested: [[]] }]);

// ─── Refused: each kind, alone and nested ───────────────────────────────────

declare const state: MotivationalState;
declare const task: MotivationalTask;
declare const loadedTask: Loaded<MotivationalTask, 'motivationalState'>;
declare const run: WorkflowRun;
declare const stateRef: Ref<MotivationalState>;
declare const tasks: Collection<MotivationalTask>;
declare const lazyPrompt: ScalarReference<string>;
class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
  format(): string {
    return `${this.amount} ${this.currency}`;
  }
}

// MikroORM entities (defineEntity classes), loaded or not, and their relations.
// @ts-expect-error an entity
json(state);
// @ts-expect-error an entity
json(run);
// @ts-expect-error a Loaded<> entity
json(loadedTask);
// @ts-expect-error an unloaded to-one relation is an entity stub
json(task.motivationalState);
// @ts-expect-error an entity nested in an object
json({ owner: state });
// @ts-expect-error an entity nested in an array
json([{ id: 1 }, state]);
// @ts-expect-error Reference / Ref
json(stateRef);
// @ts-expect-error a Ref nested in an object
json({ data: { owner: stateRef } });
// @ts-expect-error a Collection
json(state.tasks);
// @ts-expect-error a Collection nested
json({ tasks });
// @ts-expect-error a ScalarReference
json({ prompt: lazyPrompt });
// @ts-expect-error a class instance with methods
json(new Money(1, 'EUR'));
// @ts-expect-error a class instance nested in an array
json({ prices: [new Money(1, 'EUR')] });
// @ts-expect-error a function
json(() => 1);
// @ts-expect-error a function as a property
json({ onDone: () => undefined, ok: 1 });
// @ts-expect-error a class (constructor)
json({ kind: Money });
// @ts-expect-error a Date
json(new Date());
// @ts-expect-error a Date nested
json({ at: new Date() });
// @ts-expect-error a Date in a union
json({ at: Math.random() > 0.5 ? new Date() : 'now' });
// @ts-expect-error a bigint
json(10n);
// @ts-expect-error a bigint nested
json({ big: [1n] });
// @ts-expect-error a Map
json(new Map<string, number>());
// @ts-expect-error a Set nested
json({ ids: new Set(['a']) });
// @ts-expect-error a symbol
json({ s: Symbol('x') });
// @ts-expect-error undefined in an array (JSON turns it into null)
json([1, undefined]);
// @ts-expect-error undefined in a required property (JSON drops the key; the schemas refuse it)
json({ note: Math.random() > 0.5 ? 'x' : undefined });
// @ts-expect-error a Promise (forgot to await)
json({ owner: Promise.resolve({ id: 1 }) });
// @ts-expect-error unknown must be narrowed first
json({ raw: JSON.parse('1') as unknown });
// @ts-expect-error the entity's own JSON column type is Record<string, unknown>
json({ metadata: task.metadata! });

// ─── The messages name the path and the problem ─────────────────────────────

export type Messages = [
  Expect<
    Equal<JsonProblems<{ owner: MotivationalState }, 'metadata'>, 'metadata.owner: a MikroORM entity is not plain JSON (copy the fields you need into a DTO)'>
  >,
  Expect<
    Equal<
      JsonProblems<{ a: { ref: Ref<MotivationalState> } }, 'metadata'>,
      'metadata.a.ref: a MikroORM Reference is not plain JSON (it may be unloaded; copy the fields you need into a DTO)'
    >
  >,
  Expect<Equal<JsonProblems<{ tasks: Collection<MotivationalTask> }, 'x'>, 'x.tasks: a MikroORM Collection is not plain JSON (map its items to DTOs)'>>,
  Expect<
    Equal<JsonProblems<Money[], 'x'>, 'x[number]: an object with methods (format) is not plain JSON (a class instance? copy the fields you need into a DTO)'>
  >,
  Expect<Equal<JsonProblems<{ at: Date }, 'output'>, 'output.at: a Date is not plain JSON (send an ISO string; the schema turns it back into a Date)'>>,
  Expect<Equal<JsonProblems<{ n: bigint }, 'x'>, 'x.n: a bigint is not plain JSON (send it as a string or a number)'>>,
  Expect<Equal<JsonProblems<{ m: Map<string, string> }, 'x'>, 'x.m: a Map is not plain JSON (send an object or an array of pairs)'>>,
  Expect<Equal<JsonProblems<{ s: Set<string> }, 'x'>, 'x.s: a Set is not plain JSON (send an array)'>>,
  Expect<
    Equal<JsonProblems<{ f: () => void }, 'x'>, 'x: an object with methods (f) is not plain JSON (a class instance? copy the fields you need into a DTO)'>
  >,
  Expect<
    Equal<JsonProblems<{ list: (string | undefined)[] }, 'x'>, 'x.list[number]: undefined in an array is not plain JSON (JSON turns it into null; use null)'>
  >,
  Expect<
    Equal<
      JsonProblems<{ a: { note: string | undefined } }, 'x'>,
      'x.a.note: undefined is not plain JSON (JSON drops the key; use null, or make the property optional and leave the key out)'
    >
  >,
  // Every offending path is reported, not just the first.
  Expect<
    Equal<
      JsonSafe<{ at: Date; n: bigint }, 'v'>,
      NotJsonSafe<
        | 'v.at: a Date is not plain JSON (send an ISO string; the schema turns it back into a Date)'
        | 'v.n: a bigint is not plain JSON (send it as a string or a number)'
      >
    >
  >,
  Expect<Equal<JsonSafeObject<string[], 'metadata'>, NotJsonSafe<'metadata: an array is not a JSON object (wrap it in an object with a named key)'>>>,
];

// ─── Public APIs ────────────────────────────────────────────────────────────

declare const cp: ControlPlane;
declare const em: SqlEntityManager;
const ids = ['00000000-0000-4000-8000-000000000000'];

export async function spawnApi() {
  await cp.spawn(ids);
  await cp.spawn(ids, { em });
  await cp.spawn(ids, { metadata: { requestedBy: 'ops', owner: { id: 1, name: 'Ada', tags: [] } satisfies Owner } });
  // @ts-expect-error an entity in spawn metadata
  await cp.spawn(ids, { metadata: { owner: state } });
  // @ts-expect-error a Reference deep in spawn metadata
  await cp.spawn(ids, { em, metadata: { audit: { by: stateRef } } });
  // @ts-expect-error a Date in spawn metadata
  await cp.spawn(ids, { em, metadata: { at: new Date() } });
  // @ts-expect-error metadata is an object, not an array
  await cp.spawn(ids, { em, metadata: ['a'] });
  // @ts-expect-error an entity as the whole metadata
  await cp.spawn(ids, { em, metadata: task });

  const options = { registry: defaultRegistry, maxPayloadBytes: 65_536 };
  await spawnTasks(em, ids, options);
  await spawnTasks(em, ids, { ...options, metadata: { batch: 7 } });
  // @ts-expect-error the producer function is guarded too
  await spawnTasks(em, ids, { ...options, metadata: { tasks: state.tasks } });
}

const input = TaskSpawnContextV1.pick({ generatedPrompt: true });

export const accepted = defineWorkflow({
  name: 'types-accepted',
  motivationTypes: ['types'],
  input,
  async run({ generatedPrompt }) {
    // Not redundant: AcceptedOutput below checks that the declared type, Owner, comes through.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    return { length: generatedPrompt.length, at: new Date(0).toISOString(), owner: { id: 1, name: 'Ada', tags: [] } as Owner };
  },
});
// The definition keeps the precise output type.
export type AcceptedOutput = Expect<Equal<Awaited<ReturnType<typeof accepted.run>>, { length: number; at: string; owner: Owner }>>;

export const returnsDate = defineWorkflow({
  name: 'types-date',
  motivationTypes: ['types'],
  input,
  // @ts-expect-error run returns a Date: the output is not plain JSON
  async run() {
    return { at: new Date() };
  },
});

export const returnsEntity = defineWorkflow({
  name: 'types-entity',
  motivationTypes: ['types'],
  input,
  // @ts-expect-error run returns an entity
  run: () => ({ state }),
});

export const returnsMap = defineWorkflow({
  name: 'types-map',
  motivationTypes: ['types'],
  input,
  // @ts-expect-error run returns a Map
  run: () => new Map([['a', 1]]),
});

export const returnsInstance = defineWorkflow({
  name: 'types-instance',
  motivationTypes: ['types'],
  input,
  // @ts-expect-error run returns a class instance
  run: () => [new Money(1, 'EUR')],
});
