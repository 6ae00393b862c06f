/**
 * Request input through zod — the project's one schema language, the same
 * one the payload and the config use — so a bad body, parameter or query
 * string is a 400 that names the field and what was expected.
 *
 * Before zod sees a value, iterative walks have refused what no schema
 * should have to: text PostgreSQL cannot store (NUL, lone surrogates) and
 * the prototype-pollution keys — in bodies by the JSON parser, whose raw
 * scan also bounded the depth (json-body-parser.ts), in parameters and
 * query strings by a hook on every route (request-guards.ts). Routes add
 * the `metadata` limits of src/dto/input-limits.ts with `assertWithinLimits`.
 */
import { z } from 'zod';
import { findJsonInputProblem, type JsonInputProblem, type JsonLimits } from '../../dto/input-limits.js';
import { normalizeUuid } from '../../dto/uuid.js';
import { ApiError } from './errors.js';

export type InputPart = 'body' | 'params' | 'query';

/** The 400 for a value refused before parsing. */
export function inputProblemError(problem: JsonInputProblem): ApiError {
  const code =
    problem.kind === 'forbidden_key'
      ? 'forbidden_key'
      : problem.kind === 'nul' || problem.kind === 'lone_surrogate'
        ? 'unstorable_text'
        : 'input_limit_exceeded';
  return new ApiError(400, code, problem.message);
}

/** Refuses `value` (found at `path`, e.g. `body.metadata`) when it crosses `limits`. */
export function assertWithinLimits(value: unknown, path: string, limits: Readonly<JsonLimits>): void {
  const problem = findJsonInputProblem(value, path, limits);
  if (problem) throw inputProblemError(problem);
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: InputPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = [part, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new ApiError(400, 'invalid_request', issues.join('; '));
}

/** A uuid in any case, normalised to lower case (how PostgreSQL prints it, and how ids are compared in code). */
export const AnyCaseUuid = z.uuid('a uuid').transform((id) => normalizeUuid(id)!);

export const UuidParams = z.strictObject({ id: AnyCaseUuid });
