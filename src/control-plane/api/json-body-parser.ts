/**
 * The service's `application/json` body parser, in place of fastify's own.
 * It refuses hostile bodies before any parser walks them, each with a 400
 * that names the limit and where in the body it was crossed:
 *
 * 1. bytes that are not UTF-8 (decoding would silently turn them into U+FFFD);
 * 2. nesting deeper than NYX_HTTP_MAX_DEPTH, found by a scan of the raw text
 *    that counts brackets outside strings — no recursion, no allocation per
 *    level — so a 20,000-deep body never reaches JSON.parse or zod (whose
 *    recursive `z.json()` overflowed the stack on it);
 * 3. after JSON.parse: NUL characters, lone surrogates and the
 *    `__proto__`/`constructor` keys, anywhere (see src/dto/input-limits.ts).
 *
 * The body size limit (NYX_HTTP_BODY_LIMIT, 413) is fastify's, applied while
 * the body is read, before this parser runs.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { findJsonInputProblem, jsonKeyPath } from '../../dto/input-limits.js';
import { ApiError } from './errors.js';
import { inputProblemError } from './validation.js';

/** Path segments shown before "…" in a message about a deep body. */
const PATH_SHOWN = 4;

export interface TooDeep {
  /** The depth reached (one more than allowed). */
  depth: number;
  /** Where: `body.metadata.a.a…`. */
  path: string;
}

/**
 * Scans JSON text for nesting deeper than `maxDepth` (the top-level
 * container is level 1), without parsing it; returns where it is crossed, or
 * null. Text that is not JSON is left to JSON.parse to refuse.
 */
export function findTooDeepJson(text: string, maxDepth: number, root = 'body'): TooDeep | null {
  // Per open container: its kind, and where the scan is inside it (key or index).
  const kinds: number[] = [];
  const at: (string | number)[] = [];
  let expectKey = false;
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) {
        inString = false;
        if (expectKey && kinds.length <= PATH_SHOWN) at[kinds.length - 1] = decodeKey(text.slice(stringStart, i + 1));
        expectKey = false;
      }
      continue;
    }
    switch (c) {
      case 0x22:
        inString = true;
        stringStart = i;
        break;
      case 0x7b /* { */:
      case 0x5b /* [ */:
        kinds.push(c);
        at.length = Math.min(kinds.length, PATH_SHOWN + 1);
        if (kinds.length <= PATH_SHOWN) at[kinds.length - 1] = c === 0x5b ? 0 : '';
        expectKey = c === 0x7b;
        if (kinds.length > maxDepth) return { depth: kinds.length, path: describePath(root, at, kinds.length) };
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        kinds.pop();
        expectKey = false;
        break;
      case 0x2c /* , */: {
        const top = kinds.length - 1;
        if (kinds[top] === 0x7b) expectKey = true;
        else if (top >= 0 && top < PATH_SHOWN) at[top] = (at[top] as number) + 1;
        break;
      }
    }
  }
  return null;
}

function decodeKey(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** `body.metadata.a[0]…`: the path to the container that crossed the limit (its first levels). */
function describePath(root: string, at: (string | number)[], depth: number): string {
  let path = root;
  // The last open container is the one too deep; the keys leading to it are at levels 1..depth-1.
  const shown = Math.min(depth - 1, PATH_SHOWN);
  for (let level = 0; level < shown; level++) {
    const step = at[level];
    path = typeof step === 'number' ? `${path}[${step}]` : jsonKeyPath(path, step ?? '');
  }
  return depth - 1 > PATH_SHOWN ? `${path}…` : path;
}

/** Parses JSON request text, refusing what the module header lists. */
export function parseJsonBody(raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) throw new ApiError(400, 'invalid_request', 'body: empty, but content-type is application/json (send JSON, or no content-type)');
  if (!isUtf8(raw)) throw new ApiError(400, 'invalid_encoding', 'body: not valid UTF-8 (it would be stored altered); send UTF-8 text');
  const text = raw.toString('utf8');
  const deep = findTooDeepJson(text, maxDepth);
  if (deep) throw new ApiError(400, 'input_limit_exceeded', `${deep.path}: nested deeper than the limit of ${maxDepth} levels (NYX_HTTP_MAX_DEPTH)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_request', `body: not valid JSON (${(error as Error).message})`, {}, { cause: error });
  }
  const problem = findJsonInputProblem(value, 'body');
  if (problem) throw inputProblemError(problem);
  return value;
}

export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer, maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
