/**
 * GET /runs/:id and GET /runs?status=&workflow=&taskId=&limit=&cursor=.
 *
 * The list is newest first and paged by keyset (see keyset-page.ts). `nyx
 * runs` prints the same JSON through `findRunView` and `listRuns`.
 */
import type { FastifyInstance } from 'fastify';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { RUN_STATUSES, WorkflowRun } from '../../entities/index.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { afterCursor, decodeCursor, keysetOrder, PageQuery, toPage, type Page } from '../keyset-page.js';
import { AnyCaseUuid, parseInput, UuidParams } from '../validation.js';
import { runView } from '../views.js';

export { MAX_PAGE } from '../keyset-page.js';

export const ListRunsQuery = z.strictObject({
  /** One status or several, comma-separated: `status=failed,dead`. */
  status: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(RUN_STATUSES)).min(1))
    .optional(),
  workflow: z.string().min(1).max(64).optional(),
  taskId: AnyCaseUuid.optional(),
  ...PageQuery,
});
export type ListRunsQuery = z.output<typeof ListRunsQuery>;

/** GET /runs/:id's body, or null for an unknown id. */
export async function findRunView(em: SqlEntityManager, id: string): Promise<ReturnType<typeof runView> | null> {
  const run = await em.findOne(WorkflowRun, { id });
  return run ? runView(run) : null;
}

/** GET /runs's body. */
export async function listRuns(em: SqlEntityManager, query: ListRunsQuery): Promise<Page<ReturnType<typeof runView>>> {
  const after = query.cursor ? decodeCursor(query.cursor, z.uuid()) : null;
  const rows = await em.find(
    WorkflowRun,
    {
      ...(query.status ? { status: { $in: query.status } } : {}),
      ...(query.workflow ? { workflow: query.workflow } : {}),
      ...(query.taskId ? { task: query.taskId } : {}),
      ...afterCursor('enqueuedAt', after),
    },
    { orderBy: keysetOrder('enqueuedAt'), limit: query.limit + 1 },
  );
  return toPage(rows, query.limit, (run) => [run.enqueuedAt, run.id], runView);
}

export function registerRunRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  app.get('/runs/:id', async (request) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const run = await findRunView(controlPlane.em(), id);
    if (!run) throw new ApiError(404, 'unknown_run', `unknown run id: ${id}`);
    return run;
  });

  app.get('/runs', async (request) => listRuns(controlPlane.em(), parseInput(ListRunsQuery, request.query, 'query')));
}
