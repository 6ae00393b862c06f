/**
 * Each test file gets its own PostgreSQL database (created here, dropped by
 * `drop()`), so files run in parallel without seeing each other's rows.
 * The server is the shared one from DATABASE_URL's host (default
 * 127.0.0.1:5432, user postgres) — never a remote one.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrateUp, openOrm, type Orm } from '../../src/control-plane/db/orm.js';

export const ADMIN_URL = process.env.NYX_TEST_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(adminUrl = ADMIN_URL): Promise<TestDatabase> {
  const name = `nyx_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh database with every migration applied, and an ORM on it. */
export async function createMigratedDatabase(options: { onQuery?: (sql: string) => void; adminUrl?: string } = {}): Promise<{
  db: TestDatabase;
  orm: Orm;
}> {
  const db = await createTestDatabase(options.adminUrl);
  const orm = await openOrm({ databaseUrl: db.url, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  await migrateUp(orm);
  return { db, orm };
}
