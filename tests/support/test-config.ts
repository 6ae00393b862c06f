import { loadConfig, type Config } from '../../src/shared/config/config.js';
import { createLogger } from '../../src/shared/logging/logger.js';

/** A control-plane config for tests: fast polls, short backoffs, quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    NYX_RELAY_POLL_MS: '50',
    NYX_BACKOFF_MS: '50',
    NYX_RELAY_SEND_TIMEOUT_MS: '500',
    ...overrides,
  });
}

export const silentLog = createLogger('test', process.env.NYX_TEST_LOG_LEVEL ?? 'silent');
