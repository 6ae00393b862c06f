/**
 * `nyx migrate` creates no database unless --create-database; `nyx start`,
 * `nyx spawn` and `nyx dlq` refuse a database with pending migrations in one
 * line naming the command to run (exit 2), instead of starting and failing
 * on every query. Real CLI processes against real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase, databaseUrl, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { runNyxCli } from '../support/nyx-cli.js';
import { migrationsList } from '../../src/control-plane/db/migrations/index.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

describe('migrations before anything else', () => {
  const missing = `nyx_test_missing_${randomUUID().slice(0, 8)}`;
  const prefix = uniquePrefix('migrations-required');
  let empty: TestDatabase;

  beforeAll(async () => {
    empty = await createTestDatabase();
  });

  afterAll(async () => {
    await dropDatabase(missing);
    await empty?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('nyx migrate against a database that does not exist: exit 2, nothing created', async () => {
    const { code, stdout, stderr } = await runNyxCli(['migrate'], { DATABASE_URL: databaseUrl(ADMIN_URL, missing) });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`database "${missing}" does not exist`);
    expect(stderr).toContain('--create-database');
    expect(await databaseExists(missing)).toBe(false);
  });

  it.each([
    ['start', ['start']],
    ['spawn', ['spawn', randomUUID()]],
    ['dlq list', ['dlq', 'list']],
    ['runs list', ['runs', 'list']],
  ])('nyx %s against a database that does not exist: exit 2, nothing created', async (_what, args) => {
    const { code, stderr } = await runNyxCli(args, {
      DATABASE_URL: databaseUrl(ADMIN_URL, missing),
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      PORT: '0',
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`database "${missing}" does not exist`);
    expect(await databaseExists(missing)).toBe(false);
  });

  it.each([
    ['start', ['start']],
    ['spawn', ['spawn', randomUUID()]],
    ['dlq list', ['dlq', 'list']],
  ])('nyx %s against a database with pending migrations: one line naming `nyx migrate`, exit 2', async (_what, args) => {
    const { code, stdout, stderr } = await runNyxCli(args, { DATABASE_URL: empty.url, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, PORT: '0' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^nyx: database ".+" has \d+ pending migration\(s\) \(Migration20261128000000_initial[^)]*\): run `nyx migrate`/);
  });

  it('nyx migrate --create-database creates it and applies the migrations; then spawn gets past the check', async () => {
    const url = databaseUrl(ADMIN_URL, missing);
    const created = await runNyxCli(['migrate', '--create-database'], { DATABASE_URL: url });
    expect(created).toMatchObject({ code: 0, stdout: `applied: ${migrationsList.map((m) => m.name).join(', ')}\n` });
    expect(await databaseExists(missing)).toBe(true);
    const again = await runNyxCli(['migrate'], { DATABASE_URL: url });
    expect(again).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    const spawn = await runNyxCli(['spawn', '00000000-0000-4000-8000-000000000000'], {
      DATABASE_URL: url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
    });
    expect(spawn.code).toBe(2);
    expect(spawn.stderr).toMatch(/unknown task/i);
  });
});
