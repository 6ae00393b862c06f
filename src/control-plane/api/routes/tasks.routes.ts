/**
 * POST /tasks (optionally spawning in the same transaction), POST /tasks/:id/spawn, GET /tasks/:id.
 *
 * Spawning from the API refuses (409 run_in_progress) a task that already
 * has an unfinished run, unless `force: true`: a double-clicked button should
 * not run a task twice (the guard, shared with `nyx spawn`, is in
 * src/producers/guard-active-runs.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TaskSpawnContext } from '../../../dto/index.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../entities/index.js';
import { assertNoActiveRuns } from '../../../producers/guard-active-runs.js';
import type { SpawnedRun } from '../../../producers/spawn-tasks.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { METADATA_LIMITS } from '../../../dto/input-limits.js';
import { afterCursor, decodeCursor, keysetOrder, PageQuery, toPage } from '../keyset-page.js';
import { AnyCaseUuid, assertWithinLimits, parseInput, UuidParams } from '../validation.js';
import { taskListView, taskView } from '../views.js';

const shape = TaskSpawnContext.shape;

export const CreateTaskBody = z.strictObject({
  /** Client-chosen id (makes a retried POST detectable: the second one is a 409). @defaultValue a new uuid */
  id: AnyCaseUuid.optional(),
  motivationalStateId: z.number().int().positive(),
  generatedPrompt: shape.generatedPrompt,
  taskPriority: shape.priority,
  arbitrationScore: shape.arbitrationScore,
  metadata: shape.metadata,
  /** Also spawn a run, in the same transaction as the insert. @defaultValue false */
  spawn: z.boolean().default(false),
});

export const SpawnBody = z
  .strictObject({
    /** Spawn even if the task has a run that is not finished. @defaultValue false */
    force: z.boolean().default(false),
    /** Start the run no earlier than this (ISO 8601); it is `delayed` until then. @defaultValue now */
    runAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .optional(),
    /** Start the run no earlier than this many ms from now. @defaultValue 0 */
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(365 * 86_400_000)
      .optional(),
  })
  .optional();

export const ListTasksQuery = z.strictObject({
  /** Only the tasks of this motivational state. */
  stateId: z.coerce.number().int().positive().optional(),
  ...PageQuery,
});

/** Runs listed with a task, newest first. */
const TASK_RUNS_SHOWN = 20;

export function registerTaskRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  const logSpawned = (log: FastifyInstance['log'], run: SpawnedRun) =>
    log.info({ runId: run.runId, jobId: run.runId, taskId: run.taskId, workflow: run.workflow }, 'run spawned');

  app.post('/tasks', async (request, reply) => {
    // Before zod: its recursive z.json() is what these limits protect, and the producer applies the same ones at spawn.
    assertWithinLimits((request.body as { metadata?: unknown } | null | undefined)?.metadata, 'body.metadata', METADATA_LIMITS);
    const body = parseInput(CreateTaskBody, request.body, 'body');
    const created = await controlPlane.em().transactional(async (em) => {
      const state = await em.findOne(MotivationalState, { id: body.motivationalStateId });
      if (!state) throw new ApiError(404, 'unknown_state', `unknown motivational state id: ${body.motivationalStateId}`);
      const task = em.create(MotivationalTask, {
        ...(body.id ? { id: body.id } : {}),
        generatedPrompt: body.generatedPrompt,
        taskPriority: body.taskPriority,
        arbitrationScore: body.arbitrationScore,
        metadata: body.metadata ?? null,
        motivationalState: state,
        createdAt: new Date(),
      });
      await em.flush();
      // Same transaction: if the spawn is refused (payload too large, no workflow…), the task is not created either.
      const runs = body.spawn ? await controlPlane.spawn([task.id], { em }) : [];
      return { task, state, runs };
    });
    request.log.info({ taskId: created.task.id, stateId: created.state.id }, 'task created');
    for (const run of created.runs) logSpawned(request.log, run);
    const runs = await controlPlane.em().find(WorkflowRun, { taskId: created.task.id });
    return reply
      .code(201)
      .header('location', `/tasks/${created.task.id}`)
      .send({ ...taskView(created.task, created.state, runs), run: created.runs[0] ?? null });
  });

  app.post('/tasks/:id/spawn', async (request, reply) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const { force, runAt, delayMs } = parseInput(SpawnBody, request.body ?? undefined, 'body') ?? { force: false };
    const runs = await controlPlane.em().transactional(async (em) => {
      if (!force) await assertNoActiveRuns(em, [id]);
      return controlPlane.spawn([id], { em, ...(runAt ? { runAt } : {}), ...(delayMs !== undefined ? { delayMs } : {}) });
    });
    const run = runs[0]!;
    logSpawned(request.log, run);
    return reply.code(201).header('location', `/runs/${run.runId}`).send(run);
  });

  app.get('/tasks', async (request) => {
    const query = parseInput(ListTasksQuery, request.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, z.uuid()) : null;
    const rows = await controlPlane
      .em()
      .find(
        MotivationalTask,
        { ...(query.stateId ? { motivationalState: query.stateId } : {}), ...afterCursor('createdAt', after) },
        { populate: ['motivationalState'], orderBy: keysetOrder('createdAt'), limit: query.limit + 1 },
      );
    return toPage(
      rows,
      query.limit,
      (task) => [task.createdAt, task.id],
      (task) => taskListView(task, task.motivationalState.$),
    );
  });

  app.get('/tasks/:id', async (request) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const em = controlPlane.em();
    const task = await em.findOne(MotivationalTask, { id }, { populate: ['motivationalState'] });
    if (!task) throw new ApiError(404, 'unknown_task', `unknown task id: ${id}`);
    const runs = await em.find(WorkflowRun, { taskId: id }, { orderBy: { enqueuedAt: 'desc', id: 'desc' }, limit: TASK_RUNS_SHOWN });
    return taskView(task, task.motivationalState.$, runs);
  });
}
