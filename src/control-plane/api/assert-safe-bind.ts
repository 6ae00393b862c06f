/**
 * Without NYX_ADMIN_TOKEN nothing is authenticated, so the service may only
 * be reachable from this machine. Checked before anything is opened; the
 * CLI prints the message and exits with code 2 (a configuration error).
 */
import { ConfigError } from '../../shared/config/config-error.js';

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

export function assertSafeBind(host: string, token: string | undefined): void {
  if (token !== undefined || LOOPBACK_HOSTS.includes(host.toLowerCase())) return;
  throw new ConfigError(
    `refusing to listen on HOST=${host} without NYX_ADMIN_TOKEN: the API and dashboard would be open to anyone who can reach it. ` +
      `Set NYX_ADMIN_TOKEN (e.g. \`openssl rand -hex 32\`) or listen on ${LOOPBACK_HOSTS.join(', ')}`,
  );
}
