/**
 * Keyset paging, newest first, shared by every list of the API (and the
 * CLI's `nyx runs list`): rows are ordered by (timestamp desc, id desc) and
 * the cursor is the (timestamp, id) of the last row returned, so a page costs
 * the same however deep it is and rows created meanwhile do not shift later
 * pages. One row more than asked is read to know whether a next page exists,
 * without a count(*).
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

/** Most rows per page. */
export const MAX_PAGE = 500;
/** Rows per page when `limit` is not given. */
export const DEFAULT_PAGE = 50;

/** `limit` and `cursor` as every list takes them. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: z.string().min(1).max(200).optional(),
};

export type KeysetId = string | number;

export interface Keyset<I extends KeysetId> {
  at: Date;
  id: I;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(at: Date, id: KeysetId): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/**
 * PostgreSQL's timestamptz has no year 0 (`0000-01-01` is a valid ISO string
 * and a valid JavaScript Date, and a 22008 error in the database), so a
 * cursor's instant must lie in years 1–9999, what toISOString writes plainly.
 */
const CursorInstant = z.iso.datetime().refine((at) => {
  const year = new Date(at).getUTCFullYear();
  return year >= 1 && year <= 9999;
}, 'an instant in years 1 to 9999');

export function decodeCursor<I extends KeysetId>(raw: string, id: z.ZodType<I>): Keyset<I> {
  try {
    const [at, key] = z.tuple([CursorInstant, id]).parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return { at: new Date(at), id: key };
  } catch {
    throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor returned by this API (use nextCursor as is)');
  }
}

/** The MikroORM filter for "after the cursor" in (at desc, id desc) order; `{}` on the first page. */
export function afterCursor<I extends KeysetId>(atField: string, after: Keyset<I> | null): Record<string, unknown> {
  if (!after) return {};
  return { $or: [{ [atField]: { $lt: after.at } }, { [atField]: after.at, id: { $lt: after.id } }] };
}

/** Order for `find`, matching afterCursor. */
export function keysetOrder(atField: string): Record<string, 'desc'> {
  return { [atField]: 'desc', id: 'desc' };
}

/** Cuts the `limit + 1` rows read into a page and the cursor of its last row. */
export function toPage<R, T>(rows: readonly R[], limit: number, key: (row: R) => [Date, KeysetId], view: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(...key(last)) : null };
}
