/**
 * JSON inlined as SQL literals (src/control-plane/db/sql-literal.ts) reaches
 * PostgreSQL unchanged, whatever it holds and whatever the server's
 * `standard_conforming_strings` says — the property that makes inlining as
 * safe as MikroORM's own escaping, on a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { sqlIdArrayLiteral, sqlTextLiteral, statementWithJson } from '../../../src/control-plane/db/sql-literal.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';

const hostile = [
  "it's",
  'a \\ backslash',
  "\\'; drop table workflow_run; --",
  "E'\\x00'",
  'a ? and a ?? and $1',
  '\u0000 nul, \u0001 control, \n newline, \t tab',
  'astral 🦄 and \u00e9 and \u200d',
  "''''\\\\''",
];

describe('SQL literals for JSON', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it.each(['on', 'off'])('round-trips hostile strings with standard_conforming_strings %s', async (setting) => {
    const value = { strings: hostile, nested: [{ k: hostile.join('|') }], n: 1.5, t: true, z: null };
    // PostgreSQL cannot turn \u0000 into text (the storable rules refuse it anyway); json keeps it escaped.
    const texts = hostile.filter((t) => !t.includes('\u0000'));
    const got = await orm.em.fork().transactional(async (tx) => {
      await tx.execute(`set local standard_conforming_strings = ${setting}`);
      const [row] = await tx.execute<{ doc: string; kinds: string }[]>(
        statementWithJson(`select (?::json)::text as doc, (select string_agg(s, '|') from json_array_elements_text(?::json) s) as kinds`, [value, texts]),
      );
      return row!;
    });
    expect(JSON.parse(got.doc)).toEqual(value);
    expect(got.kinds).toBe(texts.join('|'));
  });

  it('a text literal reads back as the same text', async () => {
    for (const text of hostile.filter((t) => !t.includes('\u0000'))) {
      const [row] = await orm.em.fork().execute<{ t: string }[]>(`select ${sqlTextLiteral(text)} as t`);
      expect(row!.t).toBe(text);
    }
  });

  it('an id array literal reads back as the same ids, and refuses anything but uuids and integers', async () => {
    const ids = ['00000000-0000-4000-8000-000000000000', 'ABCDEF01-2345-4678-9abc-def012345678'];
    const [row] = await orm.em.fork().execute<{ ids: string[] }[]>(`select ${sqlIdArrayLiteral(ids)}::uuid[]::text[] as ids`);
    expect(row!.ids).toEqual(ids.map((id) => id.toLowerCase()));
    const [ints] = await orm.em.fork().execute<{ n: number }[]>(`select cardinality(${sqlIdArrayLiteral([1, -2, 30])}::int[]) as n`);
    expect(Number(ints!.n)).toBe(3);
    expect(() => sqlIdArrayLiteral(["1}'; drop table workflow_run; --"])).toThrow('is not a uuid or an integer');
    expect(() => sqlIdArrayLiteral(['00000000-0000-4000-8000-00000000000'])).toThrow('is not a uuid or an integer');
  });

  it('refuses a template whose placeholders do not match', () => {
    expect(() => statementWithJson('select ?::json, ?::json', [1])).toThrow('2 "?::json" placeholder(s) for 1 value(s)');
    expect(() => statementWithJson('select ?::json where id = ?', [1])).toThrow('no other "?" parameters');
  });
});
