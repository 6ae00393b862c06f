/**
 * The benchmark's PostgreSQL. DATABASE_URL when set (rows the bench made are
 * deleted afterwards); otherwise a throwaway database on the local server,
 * dropped afterwards. Never PGlite: it would measure WebAssembly, not the
 * design.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** Where the throwaway database is created when DATABASE_URL is unset. */
export const LOCAL_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** True when the bench created the database (and drops it). */
  throwaway: boolean;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function openBenchDatabase(databaseUrl: string | undefined, adminUrl = LOCAL_ADMIN_URL): Promise<BenchDatabase> {
  if (databaseUrl) return { url: databaseUrl, throwaway: false, drop: async () => {} };
  const name = `nyx_bench_${randomUUID().slice(0, 8)}`;
  await withAdmin(adminUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    throwaway: true,
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}
