/**
 * How every command ends on failure: one line on stderr naming what went
 * wrong, and an exit code chosen by the error's `kind` (src/shared/errors/nyx-error.ts):
 * 2 when the caller must change something (bad input or configuration, an
 * unknown id, a refused change), 1 for everything else.
 */
import { errorKind, type ErrorKind } from '../shared/errors/nyx-error.js';

/** The exit code for each kind of catalogue error; anything else exits 1. */
export const EXIT_CODE_BY_KIND: Readonly<Record<ErrorKind, 1 | 2>> = {
  input: 2,
  not_found: 2,
  conflict: 2,
  too_large: 2,
  unavailable: 1,
  unrecoverable: 1,
  internal: 1,
};

/** The exit code a command ends with after `error`. */
export function exitCodeOf(error: unknown): 1 | 2 {
  const kind = errorKind(error);
  return kind ? EXIT_CODE_BY_KIND[kind] : 1;
}

export function failAndExit(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nyx: ${message}\n`);
  if (process.env.NYX_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCodeOf(error));
}

/** Runs a command body; on error prints the one-line reason and exits. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      failAndExit(error);
    }
  };
}
