/**
 * What `GET /ready` checks: PostgreSQL answers, every checked-in migration is
 * applied, Redis answers. Each check has its own deadline, so one hung
 * dependency cannot hang the probe; all run every time, so the answer names
 * every dependency that is down, not just the first.
 */
import type { Queue } from 'bullmq';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { readPendingMigrations } from '../db/orm.js';
import { rejectAfter } from '../../shared/batching/timeout.js';

export interface CheckResult {
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

export interface Readiness {
  ready: boolean;
  checks: { postgres: CheckResult; migrations: CheckResult; redis: CheckResult };
}

/** Per check, in ms. */
const CHECK_TIMEOUT_MS = 2_000;

function withDeadline<T>(what: string, work: () => Promise<T>): Promise<T> {
  return rejectAfter(work(), CHECK_TIMEOUT_MS, () => new Error(`${what}: no answer within ${CHECK_TIMEOUT_MS} ms`));
}

const failed = (error: unknown): CheckResult => ({ ok: false, error: error instanceof Error ? error.message : String(error) });

/** PING over the queue's own connection: the one the API and the relay use. */
async function pingRedis(queue: Queue): Promise<void> {
  const client = (await queue.getBackend().client) as unknown as { ping(): Promise<string> };
  await client.ping();
}

export async function checkReadiness(em: () => SqlEntityManager, queue: Queue): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([
    withDeadline('PostgreSQL', () => em().execute('select 1')).then((): CheckResult => ({ ok: true }), failed),
    withDeadline('Redis', () => pingRedis(queue)).then((): CheckResult => ({ ok: true }), failed),
  ]);
  const migrations: CheckResult = postgres.ok
    ? await withDeadline('migrations', () => readPendingMigrations(em())).then(
        (pending): CheckResult =>
          pending.length === 0 ? { ok: true } : { ok: false, error: `pending migrations: ${pending.join(', ')} (run \`nyx migrate\`)`, pending },
        failed,
      )
    : { ok: false, error: 'not checked: PostgreSQL is unreachable' };
  return { ready: postgres.ok && migrations.ok && redis.ok, checks: { postgres, migrations, redis } };
}
