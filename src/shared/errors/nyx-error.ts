/**
 * The error catalogue's base. Every error a caller may handle carries a
 * stable `code` (snake_case, part of the public API: the HTTP body's
 * `error.code`, safe to switch on) and a `kind` that says what happens next.
 * The API, the CLI and the worker classify by `kind` alone:
 *
 *   kind           meaning                                   HTTP  CLI exit  worker
 *   input          the request or setting is wrong: fix it   400   2         —
 *   not_found      an id names nothing: check the id         404   2         —
 *   conflict       the current state refuses it: look first  409   2         —
 *   too_large      over a size limit                         413   2         —
 *   unavailable    PostgreSQL/Redis unreachable: retry later 503   1         retried
 *   unrecoverable  retrying cannot help                      500   1         dead at once
 *   internal       a bug; the log has the stack              500   1         retried
 *
 * `instanceof NyxError` is answered by a registered symbol, not the
 * prototype chain: it holds across duplicate copies of the library (a
 * workflow module with its own node_modules) and for catalogue errors that
 * must extend another base (BullMQ's `UnrecoverableError`, `TypeError`),
 * which carry the same symbol (`NYX_ERROR`).
 */

/** What happens next for an error; see the table above. */
export type ErrorKind = 'input' | 'not_found' | 'conflict' | 'too_large' | 'unavailable' | 'unrecoverable' | 'internal';

export const ERROR_KINDS: readonly ErrorKind[] = ['input', 'not_found', 'conflict', 'too_large', 'unavailable', 'unrecoverable', 'internal'];

/** Marks an error as part of the catalogue; `Symbol.for` so every copy of the library agrees. */
export const NYX_ERROR: unique symbol = Symbol.for('nyx-orchestrator.error') as never;

/** The fields every catalogue error has. */
export interface NyxErrorInfo {
  /** Stable, snake_case: `unknown_task`, `payload_too_large`… */
  readonly code: string;
  readonly kind: ErrorKind;
}

/** True for any catalogue error, whatever its base class or library copy. */
export function isNyxError(value: unknown): value is Error & NyxErrorInfo {
  if (!(value instanceof Error) || (value as unknown as Record<symbol, unknown>)[NYX_ERROR] !== true) return false;
  const { code, kind } = value as unknown as NyxErrorInfo;
  return typeof code === 'string' && ERROR_KINDS.includes(kind);
}

/** The kind of an error, or null when it is not a catalogue error (then: look closer, or treat it as internal). */
export function errorKind(error: unknown): ErrorKind | null {
  return isNyxError(error) ? error.kind : null;
}

export abstract class NyxError extends Error implements NyxErrorInfo {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  readonly [NYX_ERROR] = true as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }

  /** `x instanceof NyxError` by the symbol; subclasses keep the ordinary prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === NyxError) return isNyxError(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
