/**
 * The service under test, started in-process on a free port against its own
 * PostgreSQL database and BullMQ prefix, and a small fetch-based client —
 * every request goes over real HTTP on 127.0.0.1.
 */
import type { Config } from '../../../../src/shared/config/config.js';
import { startService, type RunningService } from '../../../../src/control-plane/api/start-service.js';
import type { Orm } from '../../../../src/control-plane/db/orm.js';
import { createMigratedDatabase, createTestDatabase, type TestDatabase } from '../../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../../support/test-redis.js';
import { silentLog, testConfig } from '../../../support/test-config.js';

export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiClient {
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string>; rawBody?: string },
  ): Promise<ApiResponse<T>>;
}

export function apiClient(baseUrl: string, defaultToken: string | null = TEST_TOKEN): ApiClient {
  return {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? defaultToken : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
  };
}

export interface TestService {
  service: RunningService;
  api: ApiClient;
  config: Config;
  db: TestDatabase;
  /** A second ORM on the same database, for the test's own reads and seeds. */
  orm: Orm;
  prefix: string;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  env?: Record<string, string>;
  /** Create the database without applying migrations. @defaultValue true */
  migrated?: boolean;
  /** Overrides DATABASE_URL / REDIS_URL (e.g. through a proxy). */
  databaseUrl?: (url: string) => string;
  redisUrl?: string;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const prefix = uniquePrefix('api');
  let db: TestDatabase;
  let orm: Orm;
  if (options.migrated === false) {
    db = await createTestDatabase();
    const { openOrm } = await import('../../../../src/control-plane/db/orm.js');
    orm = await openOrm({ databaseUrl: db.url });
  } else {
    ({ db, orm } = await createMigratedDatabase());
  }
  const config = testConfig({
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.url) : db.url,
    REDIS_URL: options.redisUrl ?? SHARED_REDIS_URL,
    NYX_QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    NYX_ADMIN_TOKEN: TEST_TOKEN,
    ...options.env,
  });
  let service: RunningService;
  try {
    service = await startService(config, { log: silentLog, closeTimeoutMs: 5_000, requireMigrated: options.migrated !== false });
  } catch (error) {
    await orm.close();
    await db.drop();
    throw error;
  }
  return {
    service,
    api: apiClient(service.url, config.adminToken ?? null),
    config,
    db,
    orm,
    prefix,
    async close() {
      await service.close().catch(() => {});
      await orm.close().catch(() => {});
      await db.drop();
      await deletePrefix(SHARED_REDIS_URL, prefix);
    },
  };
}
