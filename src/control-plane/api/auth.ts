/**
 * Who may use the API and the dashboard: whoever presents NYX_ADMIN_TOKEN.
 *
 * - API: `Authorization: Bearer <token>`.
 * - Dashboard: the same bearer header, or basic auth with the token as the
 *   password (any user name), so a browser can log in; its 401 carries
 *   `WWW-Authenticate: Basic`, which makes the browser ask.
 *
 * Tokens are compared in constant time (over their SHA-256, so the length
 * does not leak either). With no token configured the hooks let everyone in
 * — which is why the service then refuses to listen beyond loopback
 * (see assert-safe-bind.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

export interface AuthOptions {
  /** The admin token; unset: no authentication. */
  token: string | undefined;
  /** Accept `Basic` credentials with the token as password, and ask browsers for them. */
  basic: boolean;
  /** Shown by the browser's log-in prompt. */
  realm: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

/** The secret a request presents, or null. */
export function presentedSecret(header: string | undefined, basic: boolean): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return null;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (basic && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/**
 * An `onRequest` hook. It answers 401 itself instead of throwing, so the
 * answer is the same JSON inside bull-board's scope (which installs its own
 * error handler) as everywhere else.
 */
export function createAuthHook(options: AuthOptions) {
  const challenge = options.basic ? `Basic realm="${options.realm}", charset="UTF-8"` : `Bearer realm="${options.realm}"`;
  return async function requireAdminToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (options.token === undefined) return;
    const secret = presentedSecret(request.headers.authorization, options.basic);
    if (secret !== null && tokenMatches(secret, options.token)) return;
    request.log.info({ method: request.method, url: request.url, presented: secret !== null }, 'request refused: no valid admin token');
    await reply
      .code(401)
      .header('www-authenticate', challenge)
      .send(
        errorBody(
          'unauthorized',
          secret === null
            ? `authentication required: send "Authorization: Bearer <NYX_ADMIN_TOKEN>"${options.basic ? ' or log in with the token as password' : ''}`
            : 'invalid token',
        ),
      );
  };
}
