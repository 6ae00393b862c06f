/**
 * Request input through zod — the project's one schema language, the same
 * one the payload and the config use — so a bad body, parameter or query
 * string is a 400 that names the field and what was expected.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

export type InputPart = 'body' | 'params' | 'query';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: InputPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = [part, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new ApiError(400, 'invalid_request', issues.join('; '));
}

export const UuidParams = z.strictObject({ id: z.uuid('a uuid') });
