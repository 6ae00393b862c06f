/**
 * GET /runs/:id, GET /runs?status=&workflow=&taskId=&spawnable=&subjectId=&limit=&cursor=,
 * and POST /runs/spawn `{ spawnable, ids, runAt?, delayMs? }`: spawns any
 * registered spawnable's subjects by id (ControlPlane.open's `spawnables`,
 * plus the built-in `motivational-task`); an unknown spawnable is a 404.
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
  /** Runs of one spawnable (`motivational-task`, or one of yours). */
  spawnable: z.string().min(1).max(64).optional(),
  /** Runs of one subject (with `spawnable`: its id, as text). */
  subjectId: z.string().min(1).max(256).optional(),
  ...PageQuery,
});

export const SpawnSubjectsBody = z.strictObject({
  spawnable: z.string().min(1).max(64),
  ids: z.array(z.string().min(1).max(256)).min(1).max(10_000),
  /** Start the runs no earlier than this (ISO 8601). @defaultValue now */
  runAt: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
  /** Start the runs no earlier than this many ms from now. @defaultValue 0 */
  delayMs: z
    .number()
    .int()
    .min(0)
    .max(365 * 86_400_000)
    .optional(),
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
      ...(query.taskId ? { taskId: query.taskId } : {}),
      ...(query.spawnable ? { spawnable: query.spawnable } : {}),
      ...(query.subjectId ? { subjectId: query.subjectId } : {}),
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

  app.post('/runs/spawn', async (request, reply) => {
    const { spawnable, ids, runAt, delayMs } = parseInput(SpawnSubjectsBody, request.body, 'body');
    const runs = await controlPlane.spawnSubjects(spawnable, ids, { ...(runAt ? { runAt } : {}), ...(delayMs !== undefined ? { delayMs } : {}) });
    for (const run of runs)
      request.log.info({ runId: run.runId, jobId: run.runId, spawnable, subjectId: run.subjectId, workflow: run.workflow }, 'run spawned');
    return reply.code(201).send({ runs });
  });
}
