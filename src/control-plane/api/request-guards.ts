/**
 * `onRequest` hooks that refuse a request before any route runs. Like the
 * auth hook, they answer themselves instead of throwing, so the answer is the
 * same JSON inside bull-board's scope (which has its own error handler).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findJsonInputProblem } from '../../dto/input-limits.js';
import { errorBody } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** NYX_READ_ONLY: every change is 405, whoever asks. */
export async function refuseChangesWhenReadOnly(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  await reply
    .code(405)
    .header('allow', 'GET, HEAD')
    .send(errorBody('read_only', `${request.method} ${request.url} refused: the service runs read-only (NYX_READ_ONLY)`));
}

/**
 * Cross-site request forgery guard for the dashboard. A browser logged in
 * with basic auth sends the credentials with every request to this origin —
 * including ones a foreign page makes it send. Browsers mark those: a
 * `Sec-Fetch-Site` other than same-origin/none, or an `Origin` that is not
 * ours. Changes carrying such a mark are refused; requests without either
 * header (curl, scripts) are not browsers and pass. The API needs no such
 * guard: a bearer token is never sent by a browser on its own.
 */
export async function refuseCrossSiteChanges(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const foreign = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== `${request.protocol}://${request.host}`;
  if (!foreign) return;
  request.log.warn({ method: request.method, url: request.url, origin, site }, 'cross-site change to the dashboard refused');
  await reply.code(403).send(errorBody('cross_site_request', `${request.method} ${request.url} refused: sent from another site (${origin ?? site})`));
}

/** Host names that reach this machine only; `[::1]` is how the IPv6 loopback appears in a Host header or a URL. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The name part of a Host header (`localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`), or null when it is malformed. */
export function hostName(host: string): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return match ? match[1]!.toLowerCase() : null;
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAMES.has(url.hostname.toLowerCase());
  } catch {
    return false; // includes "null" (sandboxed frames, file: pages)
  }
}

/**
 * Development mode (no NYX_ADMIN_TOKEN) authenticates nobody, so the
 * service listens on loopback only — but a page the developer visits can
 * still reach loopback: by DNS rebinding (its own name resolving to
 * 127.0.0.1: the Host header then carries that name) or by a plain
 * cross-site form or fetch (no body needed to spawn a run). So, on every
 * route: the Host must be a loopback name, and a browser's cross-site
 * marks (an `Origin` that is not loopback, `Sec-Fetch-Site: cross-site` or
 * `same-site`) are refused, whatever the method. curl and scripts send
 * neither mark and a loopback Host, and keep working.
 */
export async function refuseForeignRequestsInDevelopment(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const host = request.headers.host ?? '';
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  let refusal: string | null = null;
  const name = hostName(host);
  if (name === null || !LOOPBACK_NAMES.has(name)) {
    refusal = `Host "${host}" is not a loopback name (127.0.0.1, localhost or [::1]); without NYX_ADMIN_TOKEN only loopback requests are served`;
  } else if (origin !== undefined && !isLoopbackOrigin(origin)) {
    refusal = `sent from another site (Origin "${origin}"); without NYX_ADMIN_TOKEN only pages on loopback may call this service`;
  } else if (site === 'cross-site' || site === 'same-site') {
    refusal = `sent from another site (Sec-Fetch-Site: ${site}); without NYX_ADMIN_TOKEN only same-origin browser requests are served`;
  }
  if (refusal === null) return;
  request.log.warn({ method: request.method, url: request.url, host, origin, site }, 'request refused: foreign host or site in development mode');
  await reply.code(403).send(errorBody('foreign_request', `${request.method} ${request.url.split('?')[0]} refused: ${refusal}`));
}

/**
 * A `preValidation` hook for every route, bull-board's included: path
 * parameters and query strings holding text PostgreSQL or Redis scripts
 * cannot take as is (NUL, lone surrogates) or a pollution key are a 400
 * naming the parameter, before any handler passes them on. (Bodies are
 * checked by the JSON parser, see json-body-parser.ts.)
 */
export async function refuseUnstorableParameters(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  for (const [part, value] of [
    ['params', request.params],
    ['query', request.query],
  ] as const) {
    const problem = findJsonInputProblem(value, part);
    if (!problem) continue;
    await reply.code(400).send(errorBody(problem.kind === 'forbidden_key' ? 'forbidden_key' : 'unstorable_text', problem.message));
    return;
  }
}
