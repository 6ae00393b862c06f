/**
 * A contract: what one kind of payload looks like on the wire, shared by the
 * control plane (which writes it) and the workers (which read it). Zod only,
 * so a worker imports it without the ORM.
 *
 * - `schema` validates the current version's data in wire form (dates as ISO
 *   strings; a codec like `IsoDate` decodes them for the workflow).
 * - `upcasters[n]` turns version n's data into version n + 1's: a job written
 *   before a deploy still runs on the new workers, upcast step by step. A
 *   version with no path to the current one is refused as unrecoverable.
 * - `route(data)` names the route key a payload goes to: the workflow that
 *   handles it and, with NYX_QUEUE_ROUTING=route, its queue.
 * - `priority(data)` optionally gives BullMQ's priority (1 = highest).
 *
 * The envelope stays `{ schema: <name>, v: <version>, data }`.
 */
import { z } from 'zod';
import { Envelope } from './envelope-shape.js';
import { findHostileShape } from './hostile-shape.js';
import { NYX_ERROR } from '../shared/errors/nyx-error.js';

/** A contract's schema: anything zod can parse and encode (an object schema lets workflows project fields). */
export type ContractSchema = z.ZodType<unknown, unknown>;

const CONTRACT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Route keys become queue names and config keys: lower case, digits, `_` and `-`. */
export const ROUTE_KEY = /^[a-z][a-z0-9_-]{0,63}$/;

export interface ContractSpec<S extends ContractSchema> {
  /** The envelope's `schema`: unique among the contracts one worker reads. */
  readonly name: string;
  /** The current version, a positive integer: what the control plane writes. */
  readonly version: number;
  /** The current version's schema, on the wire form. */
  readonly schema: S;
  /** `upcasters[n](dataOfVersionN)` returns version n + 1's data (wire form). @defaultValue none: only `version` is read */
  readonly upcasters?: Readonly<Record<number, (old: unknown) => unknown>>;
  /** The route key of a payload (`/^[a-z][a-z0-9_-]{0,63}$/`): which workflow runs it. */
  route(data: z.output<S>): string;
  /** BullMQ priority of a payload (1 = highest; 0 or absent = none). @defaultValue none */
  priority?(data: z.output<S>): number;
  /** The id of the subject a payload is about, when its data says (recorded checks use it). @defaultValue unknown */
  subjectOf?(data: z.output<S>): string;
  /**
   * Prefix of this contract's queue keys: a route `r` is queued under
   * `<routeNamespace>.<r>` (NYX_QUEUE_ROUTING=route), or under `r` when ''.
   * @defaultValue the contract's name in lower case
   */
  readonly routeNamespace?: string;
}

export interface Contract<S extends ContractSchema = ContractSchema> extends ContractSpec<S> {
  readonly upcasters: Readonly<Record<number, (old: unknown) => unknown>>;
  readonly routeNamespace: string;
  /** The queue key of a route key: `<routeNamespace>.<route>`, or the route alone with an empty namespace. */
  queueKey(route: string): string;
  /** Versions this side reads: the current one and every one with an upcaster path to it. */
  readonly supportedVersions: readonly number[];
}

export type ContractData<C extends Contract> = C extends Contract<infer S> ? z.output<S> : never;
export type ContractWire<C extends Contract> = C extends Contract<infer S> ? z.input<S> : never;

/** A contract that cannot be built (bad name, version, upcasters): thrown by `defineContract`. */
export class InvalidContractError extends TypeError {
  readonly code = 'invalid_contract';
  readonly kind = 'input' as const;
  readonly [NYX_ERROR] = true as const;

  constructor(
    readonly contract: string,
    reason: string,
  ) {
    super(`contract "${contract}": ${reason}`);
    this.name = this.constructor.name;
  }
}

export function defineContract<S extends ContractSchema>(spec: ContractSpec<S>): Contract<S> {
  const { name, version } = spec;
  if (!CONTRACT_NAME.test(name)) throw new InvalidContractError(String(name), 'the name must be letters, digits, ".", "_" or "-" (at most 64)');
  if (!Number.isInteger(version) || version < 1) throw new InvalidContractError(name, `version ${version} is not a positive integer`);
  if (typeof spec.route !== 'function') throw new InvalidContractError(name, 'route is not a function');
  const upcasters = { ...(spec.upcasters ?? {}) };
  for (const key of Object.keys(upcasters)) {
    const from = Number(key);
    if (!Number.isInteger(from) || from < 1 || from >= version) {
      throw new InvalidContractError(name, `an upcaster from version ${key} (must be 1..${version - 1})`);
    }
  }
  // Version v is readable when every step v → v+1 … → current has an upcaster.
  const supportedVersions: number[] = [version];
  for (let v = version - 1; v >= 1 && upcasters[v]; v -= 1) supportedVersions.unshift(v);
  const routeNamespace = spec.routeNamespace ?? name.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  if (routeNamespace !== '' && !ROUTE_KEY.test(routeNamespace)) {
    throw new InvalidContractError(name, `routeNamespace "${routeNamespace}" must be lower case, digits, "_" or "-"`);
  }
  return Object.freeze({
    ...spec,
    upcasters,
    routeNamespace,
    supportedVersions,
    queueKey: (route: string) => (routeNamespace === '' ? route : `${routeNamespace}.${route}`),
  });
}

export type OpenedContractEnvelope<C extends Contract = Contract> =
  | {
      ok: true;
      contract: C;
      /** Parsed current-version data (codecs decoded: dates as Dates). */
      data: ContractData<C>;
      /** The same data in wire form, as workflow input schemas read it. */
      wire: ContractWire<C>;
      /** The version the payload was written in. */
      version: number;
    }
  | { ok: false; reason: string };

/**
 * Opens a job's data against the contracts a worker knows (by the
 * envelope's `schema`), upcasting older versions step by step. Never throws:
 * a payload that cannot be read comes back with the reason, which the worker
 * turns into an unrecoverable failure (a dead letter): an unknown schema or
 * version will not become readable on retry.
 */
export function openEnvelope<C extends Contract>(contracts: C | readonly C[] | ReadonlyMap<string, C>, raw: unknown): OpenedContractEnvelope<C> {
  // Job data is untrusted: refuse pollution keys and absurd nesting before any parser copies it.
  const hostile = findHostileShape(raw);
  if (hostile) return { ok: false, reason: hostile };
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `not a payload envelope {schema, v, data}: ${z.prettifyError(envelope.error)}` };
  const { schema, v, data } = envelope.data;
  const byName: ReadonlyMap<string, C> =
    contracts instanceof Map
      ? (contracts as ReadonlyMap<string, C>)
      : new Map((Array.isArray(contracts) ? (contracts as readonly C[]) : [contracts as C]).map((c): [string, C] => [c.name, c]));
  const contract = byName.get(schema);
  if (!contract) return { ok: false, reason: `unknown payload schema "${schema}" (expected ${[...byName.keys()].map((n) => `"${n}"`).join(' or ')})` };
  if (!contract.supportedVersions.includes(v)) {
    return { ok: false, reason: `unsupported payload version ${v} (supported: ${contract.supportedVersions.join(', ')})` };
  }
  let step = v;
  try {
    let current: unknown = data;
    for (; step < contract.version; step += 1) current = contract.upcasters[step]!(current);
    const parsed = contract.schema.safeParse(current);
    if (!parsed.success) return { ok: false, reason: `invalid ${schema} v${v}: ${z.prettifyError(parsed.error)}` };
    // The current version's data passed the schema as it is: it IS the wire form. Upcast data is encoded again.
    const wire = v === contract.version ? current : z.encode(contract.schema, parsed.data);
    return { ok: true, contract, data: parsed.data as ContractData<C>, wire: wire as ContractWire<C>, version: v };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, reason: `invalid ${schema} v${step}: ${z.prettifyError(error)}` };
    return { ok: false, reason: `unreadable ${schema} v${v}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The current envelope of already-validated data (dates become ISO strings). */
export function wrapEnvelope<S extends ContractSchema>(contract: Contract<S>, data: z.output<S>): { schema: string; v: number; data: z.input<S> } {
  return { schema: contract.name, v: contract.version, data: z.encode(contract.schema, data) };
}
