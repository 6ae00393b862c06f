/**
 * Error classification by SQLSTATE (the table in
 * src/shared/errors/unreachable-dependency.ts), and what the API answers for each:
 * only connection failures are "unavailable" (503, retry later); errors the
 * input caused are 400. The first block reproduces the errors on a real
 * PostgreSQL — a NUL in a query, a year-0 timestamp, a malformed uuid —
 * so a driver that reports them differently fails here, not in production.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toApiError } from '../../../src/control-plane/api/errors.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { databaseRefusedInput, transientConflict, unreachableDependency } from '../../../src/shared/errors/unreachable-dependency.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';

const withCode = (code: string, message = `postgres said ${code}`) => Object.assign(new Error(message), { code });

describe('SQLSTATE classification', () => {
  it.each([
    ['08000', 'postgres', null, 503],
    ['08001', 'postgres', null, 503],
    ['08003', 'postgres', null, 503],
    ['08006', 'postgres', null, 503],
    ['57P01', 'postgres', null, 503],
    ['57P02', 'postgres', null, 503],
    ['57P03', 'postgres', null, 503],
    ['53300', 'postgres', null, 503],
    ['08P01', null, '08P01', 400],
    ['22008', null, '22008', 400],
    ['22P02', null, '22P02', 400],
    ['22021', null, '22021', 400],
    ['22003', null, '22003', 400],
    ['54000', null, '54000', 400],
    ['54001', null, '54001', 400],
    ['57P04', null, null, 500],
    ['42P01', null, null, 500],
    ['40P01', null, null, 503],
    ['40001', null, null, 503],
  ])('%s: unavailable %p, input %p, HTTP %i', (code, unavailable, input, status) => {
    const error = withCode(code);
    expect(unreachableDependency(error)).toBe(unavailable);
    expect(databaseRefusedInput(error)).toBe(input);
    expect(toApiError(error).statusCode).toBe(status);
  });

  it('looks through causes (a wrapped driver error)', () => {
    const wrapped = new Error('spawn failed', { cause: withCode('22008') });
    expect(databaseRefusedInput(wrapped)).toBe('22008');
    expect(toApiError(wrapped)).toMatchObject({ statusCode: 400, code: 'invalid_value' });
  });

  it('a 503 carries Retry-After; a 400 does not', () => {
    expect(toApiError(withCode('08006')).headers).toEqual({ 'retry-after': '5' });
    expect(toApiError(withCode('08P01')).headers).toEqual({});
  });
});

describe('on a real PostgreSQL', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const failure = async (run: () => Promise<unknown>) => {
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    return error;
  };

  it.each([
    ['a NUL in a filter value', '08P01', () => orm.em.fork().find(WorkflowRun, { workflow: 'a\u0000b' })],
    ['a NUL in a bound parameter', '08P01', () => orm.em.fork().getConnection().execute('select ?::text as t', ['a\u0000b'])],
    ['a timestamp in year 0', '22008', () => orm.em.fork().find(WorkflowRun, { enqueuedAt: { $lt: new Date('0000-01-01T00:00:00.000Z') } })],
    ['a malformed uuid', '22P02', () => orm.em.fork().getConnection().execute('select ?::uuid as id', ['not-a-uuid'])],
  ] as const)('%s: SQLSTATE %s, refused input (400), not an outage', async (_what, sqlState, run) => {
    const error = await failure(run);
    expect(databaseRefusedInput(error)).toBe(sqlState);
    expect(unreachableDependency(error)).toBeNull();
    expect(toApiError(error).statusCode).toBe(400);
  });

  it('a real deadlock: transient (503, retry soon), not a bug', async () => {
    // Two transactions lock the same two rows in opposite orders; PostgreSQL
    // aborts one of them with 40P01 after deadlock_timeout (1 s by default).
    await orm.em.getConnection().execute('create table deadlock_probe (id int primary key, n int)');
    await orm.em.getConnection().execute('insert into deadlock_probe values (1, 0), (2, 0)');
    const lockBoth = (first: number, second: number, bothHoldOne: Promise<void>, holding: () => void) =>
      orm.em.fork().transactional(async (tx) => {
        await tx.execute('update deadlock_probe set n = n + 1 where id = ?', [first]);
        holding();
        await bothHoldOne;
        await tx.execute('update deadlock_probe set n = n + 1 where id = ?', [second]);
      });
    let held = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const holding = () => (++held === 2 ? release() : undefined);
    const outcomes = await Promise.allSettled([lockBoth(1, 2, bothHoldOne, holding), lockBoth(2, 1, bothHoldOne, holding)]);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const error = rejected[0]!.reason;
    expect(transientConflict(error)).toBe('40P01');
    expect(unreachableDependency(error)).toBeNull();
    expect(toApiError(error)).toMatchObject({ statusCode: 503, code: 'transaction_conflict', headers: { 'retry-after': '1' } });
  });

  it('a server that is not there: unavailable (503)', async () => {
    const { openOrm } = await import('../../../src/control-plane/db/orm.js');
    const error = await failure(async () => {
      const closed = await openOrm({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere' });
      try {
        await closed.em.fork().getConnection().execute('select 1');
      } finally {
        await closed.close().catch(() => {});
      }
    });
    expect(unreachableDependency(error)).toBe('postgres');
    expect(toApiError(error).statusCode).toBe(503);
  });
});
