/**
 * Every error the HTTP API answers with is `{ error: { code, message } }` and
 * a status that says what the caller can do about it:
 *
 *   400 bad input (body, params, query; a task no workflow can run; a value the database refused) — fix the request
 *   401 missing or wrong token — authenticate
 *   403 development mode: a foreign Host or a cross-site request (request-guards.ts)
 *   404 unknown id — check the id
 *   405 read-only mode (NYX_READ_ONLY) — nothing changes through this service
 *   409 conflict (duplicate id, a run already in progress) — look at the current state
 *   413 too large (request body over NYX_HTTP_BODY_LIMIT, payload over NYX_MAX_PAYLOAD_BYTES)
 *   503 PostgreSQL or Redis unreachable, or the transaction collided with another (deadlock,
 *       serialization failure) — retry later; nothing was changed
 *   500 a bug — the log has the stack
 *
 * Catalogue errors (`NyxError`, src/shared/errors/nyx-error.ts) map here by their
 * `kind` (the status) and `code` (the body), so a new error class needs no
 * edit here; an error outside the catalogue is a 500 until someone decides
 * what it means.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { databaseRefusedInput, transientConflict, unreachableDependency } from '../../shared/errors/unreachable-dependency.js';
import { isNyxError, type ErrorKind } from '../../shared/errors/nyx-error.js';

/** The HTTP status for each kind of catalogue error (see the table in nyx-error.ts). */
export const HTTP_STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  input: 400,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
  unrecoverable: 500,
  internal: 500,
};

/** An error with its HTTP answer. Thrown by routes and hooks; rendered by the error handler. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** What to answer for any error thrown while handling a request. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isNyxError(error)) {
    const status = HTTP_STATUS_BY_KIND[error.kind];
    // A bug's details stay in the log; everything else says what was wrong.
    const code = error.kind === 'internal' ? 'internal_error' : error.code;
    const hint = error.code === 'run_in_progress' ? '; send {"force": true} to spawn another' : '';
    return new ApiError(status, code, error.message + hint, status === 503 ? { 'retry-after': '5' } : {}, { cause: error });
  }
  if (error instanceof UniqueConstraintViolationException) {
    const detail = (error as { detail?: string }).detail;
    return new ApiError(409, 'conflict', detail ? `already exists: ${detail}` : 'already exists', {}, { cause: error });
  }
  // Before the 503 check: a protocol violation (08P01) caused by the input is not an outage.
  const refused = databaseRefusedInput(error);
  if (refused)
    return new ApiError(400, 'invalid_value', `the database refused a value of this request (SQLSTATE ${refused}); nothing was changed`, {}, { cause: error });
  const collided = transientConflict(error);
  if (collided) {
    const message = `the database aborted this request's transaction: it collided with another one (SQLSTATE ${collided}); nothing was changed, retry`;
    return new ApiError(503, 'transaction_conflict', message, { 'retry-after': '1' }, { cause: error });
  }
  const dependency = unreachableDependency(error);
  if (dependency) {
    const what = dependency === 'postgres' ? 'PostgreSQL' : 'Redis';
    return new ApiError(503, `${dependency}_unavailable`, `${what} is unreachable; nothing was changed, retry later`, { 'retry-after': '5' }, { cause: error });
  }
  // fastify's own client errors (bad JSON, body too large, wrong content type) carry their status.
  const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const named = statusCode === 413 ? 'payload_too_large' : statusCode === 415 ? 'unsupported_media_type' : 'invalid_request';
    return new ApiError(statusCode, named, `${message ?? 'bad request'}${code ? ` (${code})` : ''}`, {}, { cause: error });
  }
  return new ApiError(500, 'internal_error', 'internal error; see the service log', {}, { cause: error });
}
