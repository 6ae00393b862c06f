/**
 * The compile-time half of the boundary. `JsonSafe<T>` is `T` itself when `T`
 * is plain JSON data, and a `NotJsonSafe<…>` error type naming every
 * offending path when it is not, so the compiler says what leaked and where:
 *
 *   Object literal may only specify known properties, and 'owner' does not exist in type
 *   'NotJsonSafe<"metadata.owner: a MikroORM entity is not plain JSON (copy the fields you need into a DTO)">'.
 *
 * Pure types, no imports: src/dto is shared with the workers and may not reach
 * MikroORM, so ORM objects are recognised by their shape (the same in
 * MikroORM 6 and 7):
 * - entities carry optional unique-symbol brands: `[PrimaryKeyProp]` and
 *   `[IndexHints]` on `defineEntity` classes, `[OptionalProps]` or
 *   `[EntityRepositoryType]` on decorated ones, `[__loadedType]` on
 *   `Loaded<>`, `[__lazyRef]` on `LazyRef<>`; `BaseEntity` subclasses also
 *   have `toReference()`/`toObject()`. Plain data never has a symbol key.
 * - `Reference`/`Ref` has `unwrap`/`getEntity`/`isInitialized`;
 *   `ScalarReference` has `unwrap`/`bind`; `Collection` has `getItems`/`loadItems`.
 *
 * What no type can see: an instance of a class that has only data fields (no
 * methods, no symbol brand) is structurally a plain object, and a `number`
 * may be `NaN` at run time. `assertPlainJson` (src/producers) walks the real
 * value before anything is written and catches both.
 *
 * `any` is let through (it opts out of checking; the run-time guard still
 * runs); `unknown` is refused: narrow it, e.g. to `JsonValue`, first.
 * `undefined` is refused where it would change in transit: in an array (JSON
 * turns it into `null`) and in a required property (JSON drops the key, and
 * the zod schemas on the other side refuse `undefined`). An optional property
 * (`note?: string`) is fine: it means "the key may be absent".
 */

/** What the compiler shows instead of the offending type: every path that is not JSON, and why. */
export interface NotJsonSafe<Problems> {
  readonly '⛔ not JSON-safe': Problems;
}

/**
 * `T` itself when it is plain JSON data, otherwise
 * `NotJsonSafe<"<Root>.<path>: <what> is not plain JSON (<how to fix>)">`.
 * `Root` names the value in messages (e.g. `'metadata'`, `'output'`).
 */
export type JsonSafe<T, Root extends string = 'value'> = [JsonProblems<T, Root>] extends [never] ? T : NotJsonSafe<JsonProblems<T, Root>>;

/** Like `JsonSafe`, for values that must be a JSON object (e.g. `metadata`): arrays are refused too. */
export type JsonSafeObject<T, Root extends string = 'value'> = [T] extends [never]
  ? never
  : [T] extends [readonly unknown[]]
    ? NotJsonSafe<`${Root}: an array is not a JSON object (wrap it in an object with a named key)`>
    : JsonSafe<T, Root>;

/** `true` when `T` is plain JSON data. */
export type IsJsonSafe<T> = [JsonProblems<T, 'value'>] extends [never] ? true : false;

/**
 * Every reason `T` is not JSON, one message per offending path; `never` when
 * there is none. Recursion stops after `MaxDepth` levels (deeper data is
 * taken as fine and left to the run-time guard), which also keeps recursive
 * types such as `JsonValue` cheap to check.
 */
export type JsonProblems<T, Path extends string, Depth extends readonly unknown[] = []> =
  IsAny<T> extends true
    ? never
    : unknown extends T
      ? Problem<Path, 'unknown', 'narrow it to JsonValue or a concrete type first'>
      : Depth['length'] extends MaxDepth
        ? never
        : Classify<T, Path, Depth>;

type MaxDepth = 10;

type IsAny<T> = 0 extends 1 & T ? true : false;

type Problem<Path extends string, What extends string, Fix extends string> = `${Path}: ${What} is not plain JSON (${Fix})`;

type DtoFix = 'copy the fields you need into a DTO';

// Distributes over unions: `Date | string` reports the Date.
type Classify<T, Path extends string, Depth extends readonly unknown[]> = T extends string | number | boolean | null
  ? never
  : T extends undefined
    ? Problem<Path, 'undefined', 'use null or leave the key out'>
    : T extends bigint
      ? Problem<Path, 'a bigint', 'send it as a string or a number'>
      : T extends symbol
        ? Problem<Path, 'a symbol', 'send a string'>
        : T extends abstract new (...args: never) => unknown
          ? Problem<Path, 'a class', 'send data, not code'>
          : T extends (...args: never) => unknown
            ? Problem<Path, 'a function', 'send data, not code'>
            : T extends readonly unknown[]
              ? ArrayProblems<T, Path, Depth>
              : T extends object
                ? ObjectProblems<T, Path, Depth>
                : never;

type ArrayProblems<T extends readonly unknown[], Path extends string, Depth extends readonly unknown[]> =
  | (undefined extends T[number] ? Problem<`${Path}[number]`, 'undefined in an array', 'JSON turns it into null; use null'> : never)
  | JsonProblems<Exclude<T[number], undefined>, `${Path}[number]`, [...Depth, unknown]>;

type ObjectProblems<T extends object, Path extends string, Depth extends readonly unknown[]> = [NonJsonObject<T, Path>] extends [never]
  ? PropertyProblems<T, Path, Depth>
  : NonJsonObject<T, Path>;

/** Objects that are not data, recognised by shape; `never` for a plain object. */
type NonJsonObject<T extends object, Path extends string> = T extends Date
  ? Problem<Path, 'a Date', 'send an ISO string; the schema turns it back into a Date'>
  : T extends ReadonlyMap<unknown, unknown> | WeakMap<object, unknown>
    ? Problem<Path, 'a Map', 'send an object or an array of pairs'>
    : T extends ReadonlySet<unknown> | WeakSet<object>
      ? Problem<Path, 'a Set', 'send an array'>
      : T extends PromiseLike<unknown>
        ? Problem<Path, 'a Promise', 'await it first'>
        : T extends { unwrap(): unknown; getEntity(): unknown; isInitialized(): boolean }
          ? Problem<Path, 'a MikroORM Reference', `it may be unloaded; ${DtoFix}`>
          : T extends { unwrap(): unknown; bind(...args: never): unknown; isInitialized(): boolean }
            ? Problem<Path, 'a MikroORM ScalarReference', 'send its loaded value'>
            : T extends { getItems(...args: never): unknown; loadItems(...args: never): unknown }
              ? Problem<Path, 'a MikroORM Collection', 'map its items to DTOs'>
              : T extends { toReference(): unknown; toObject(...args: never): unknown }
                ? Problem<Path, 'a MikroORM entity', DtoFix>
                : [BrandKeys<T>] extends [never]
                  ? UnbrandedNonJson<T, Path>
                  : Problem<Path, 'a MikroORM entity', DtoFix>;

type UnbrandedNonJson<T extends object, Path extends string> = T extends ArrayBufferView | ArrayBuffer
  ? Problem<Path, 'binary data', 'send it as a base64 string'>
  : T extends Iterable<unknown>
    ? Problem<Path, 'an iterable object', 'send an array'>
    : [MethodsOf<T>] extends [never]
      ? never
      : Problem<Path, `an object with methods (${NameOne<MethodsOf<T>>})`, `a class instance? ${DtoFix}`>;

/**
 * Symbol keys other than the well-known ones (`Symbol.iterator`, …): what
 * entity types carry (`[PrimaryKeyProp]?`, `[OptionalProps]?`, …).
 */
type BrandKeys<T> = Exclude<Extract<keyof T, symbol>, WellKnownSymbol>;
type WellKnownSymbol = {
  [K in keyof SymbolConstructor]: SymbolConstructor[K] extends symbol ? SymbolConstructor[K] : never;
}[keyof SymbolConstructor];

/** Keys whose value is always a function (optional or not): methods, in a class instance. */
type MethodsOf<T> = {
  [K in keyof T]-?: K extends string ? (IsFunction<NonNullable<T[K]>> extends true ? K : never) : never;
}[keyof T];
type IsFunction<V> = IsAny<V> extends true ? false : [V] extends [never] ? false : [V] extends [(...args: never) => unknown] ? true : false;

type PropertyProblems<T extends object, Path extends string, Depth extends readonly unknown[]> = {
  [K in keyof T]-?: UndefinedProblem<T, K, KeyPath<Path, K>> | JsonProblems<Exclude<T[K], undefined>, KeyPath<Path, K>, [...Depth, unknown]>;
}[keyof T];

/** A required property that may hold `undefined` (`{ note: string | undefined }`, what `cond ? x : undefined` infers). */
// `{} extends Pick<T, K>` is true exactly when K is optional: the empty object type is the point here.
type UndefinedProblem<T, K extends keyof T, Path extends string> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  {} extends Pick<T, K>
    ? never
    : IsAny<T[K]> extends true
      ? never
      : unknown extends T[K]
        ? never
        : undefined extends T[K]
          ? Problem<Path, 'undefined', 'JSON drops the key; use null, or make the property optional and leave the key out'>
          : never;

type KeyPath<Path extends string, K> = K extends string | number
  ? string extends K
    ? `${Path}[string]`
    : number extends K
      ? `${Path}[number]`
      : `${Path}.${K}`
  : `${Path}[symbol]`;

/** One member of a union of names, and an ellipsis when there are more: keeps a message on one line. */
type NameOne<U extends string> = LastOf<U> extends infer L extends string ? ([Exclude<U, L>] extends [never] ? L : `${L}, …`) : never;
type LastOf<U> = (U extends unknown ? (x: () => U) => void : never) extends (x: infer L) => void ? (L extends () => infer R ? R : never) : never;
