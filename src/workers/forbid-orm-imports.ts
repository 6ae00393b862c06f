/**
 * The run-time half of the worker boundary (the static half is
 * dependency-cruiser in CI): a module resolution hook that refuses to load
 * `@mikro-orm/*`, `pg` or the entity modules in a worker process, however
 * indirect the import. It also records what the process resolved, so a test
 * can prove the worker never loaded the ORM (NYX_REPORT_MODULES_TO=<file>).
 */
import { registerHooks } from 'node:module';
import { NyxError } from '../shared/errors/nyx-error.js';

const FORBIDDEN_SPECIFIERS = [/^@mikro-orm\//, /^pg$/];
/** The same packages reached any other way (a relative path into node_modules, another package's import). */
const FORBIDDEN_URLS = /\/node_modules\/(@mikro-orm\/|pg\/)/;

/** nyx's own src/ (or dist/, when built): only its control-plane folders are refused, not a user's `src/control-plane/db`. */
const NYX_ROOT = new URL('../', import.meta.url).href;
const CONTROL_PLANE_FOLDERS = ['control-plane', 'producers'].map((folder) => `${NYX_ROOT}${folder}/`);

function isForbidden(specifier: string, url: string): boolean {
  return (
    FORBIDDEN_SPECIFIERS.some((pattern) => pattern.test(specifier)) ||
    FORBIDDEN_URLS.test(url) ||
    CONTROL_PLANE_FOLDERS.some((folder) => url.startsWith(folder))
  );
}

export class ForbiddenImportError extends NyxError {
  readonly code = 'forbidden_import';
  readonly kind = 'input';

  constructor(specifier: string, parent: string | undefined) {
    super(
      `worker processes must not load "${specifier}" (imported from ${parent ?? 'the entry point'}): workers get their data from the payload, never from the database`,
    );
    this.name = this.constructor.name;
  }
}

export const resolvedModules = new Set<string>();

export function forbidOrmImports(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (isForbidden(specifier, resolved.url)) {
        throw new ForbiddenImportError(specifier, context.parentURL);
      }
      resolvedModules.add(resolved.url);
      return resolved;
    },
  });
}
