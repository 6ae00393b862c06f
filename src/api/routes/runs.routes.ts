/**
 * GET /runs/:id and GET /runs?status=&workflow=&taskId=&limit=&cursor=.
 *
 * The list is newest first and paged by keyset, not offset: the cursor is
 * the (enqueuedAt, id) of the last row returned, so a page costs the same
 * however deep it is, and runs spawned meanwhile do not shift later pages.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RUN_STATUSES, WorkflowRun } from '../../entities/index.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { AnyCaseUuid, parseInput, UuidParams } from '../validation.js';
import { runView } from '../views.js';

/** Most runs per page. */
export const MAX_PAGE = 500;

interface Cursor {
  enqueuedAt: Date;
  id: string;
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
const CursorJson = z.tuple([CursorInstant, AnyCaseUuid]);

export function encodeCursor(run: WorkflowRun): string {
  return Buffer.from(JSON.stringify([run.enqueuedAt.toISOString(), run.id])).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = CursorJson.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return { enqueuedAt: new Date(at), id };
  } catch {
    throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor returned by this API (use nextCursor as is)');
  }
}

export const ListRunsQuery = z.strictObject({
  /** One status or several, comma-separated: `status=failed,dead`. */
  status: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(RUN_STATUSES)).min(1))
    .optional(),
  workflow: z.string().min(1).max(64).optional(),
  taskId: AnyCaseUuid.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

export function registerRunRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  app.get('/runs/:id', async (request) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const run = await controlPlane.em().findOne(WorkflowRun, { id });
    if (!run) throw new ApiError(404, 'unknown_run', `unknown run id: ${id}`);
    return runView(run);
  });

  app.get('/runs', async (request) => {
    const query = parseInput(ListRunsQuery, request.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await controlPlane.em().find(
      WorkflowRun,
      {
        ...(query.status ? { status: { $in: query.status } } : {}),
        ...(query.workflow ? { workflow: query.workflow } : {}),
        ...(query.taskId ? { task: query.taskId } : {}),
        ...(after
          ? { $or: [{ enqueuedAt: { $lt: after.enqueuedAt } }, { enqueuedAt: after.enqueuedAt, id: { $lt: after.id } }] }
          : {}),
      },
      // One more than asked: tells whether there is a next page without a count(*).
      { orderBy: { enqueuedAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { items: page.map(runView), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  });
}
