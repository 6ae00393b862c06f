/**
 * `onRequest` hooks that refuse a request before any route runs. Like the
 * auth hook, they answer themselves instead of throwing, so the answer is the
 * same JSON inside bull-board's scope (which has its own error handler).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
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
