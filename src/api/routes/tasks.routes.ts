/**
 * POST /tasks (optionally spawning in the same transaction), POST /tasks/:id/spawn, GET /tasks/:id.
 *
 * Spawning from the API refuses (409) a task that already has an unfinished
 * run, unless `force: true`: a double-clicked button should not run a task
 * twice. The check holds under concurrency because it runs in the spawn's
 * transaction after locking the task row (`FOR UPDATE`): a second spawn of
 * the same task waits for the first to commit, then sees its run.
 */
import type { FastifyInstance } from 'fastify';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { TaskSpawnContext } from '../../dto/index.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../entities/index.js';
import { UnknownTaskError } from '../../producers/errors/index.js';
import type { SpawnedRun } from '../../producers/spawn-tasks.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { METADATA_LIMITS } from '../../dto/input-limits.js';
import { AnyCaseUuid, assertWithinLimits, parseInput, UuidParams } from '../validation.js';
import { taskView } from '../views.js';

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
  })
  .optional();

const ACTIVE_STATUSES = ['pending', 'queued', 'running'] as const;
/** Runs listed with a task, newest first. */
const TASK_RUNS_SHOWN = 20;

async function lockTask(em: SqlEntityManager, taskId: string): Promise<void> {
  const rows = await em.execute<{ id: string }[]>('select id from motivational_task where id = ? for update', [taskId]);
  if (rows.length === 0) throw new UnknownTaskError([taskId]);
}

async function assertNoActiveRun(em: SqlEntityManager, taskId: string): Promise<void> {
  const active = await em.findOne(WorkflowRun, { task: taskId, status: { $in: [...ACTIVE_STATUSES] } }, { fields: ['id', 'status'] });
  if (active) {
    throw new ApiError(409, 'run_in_progress', `task ${taskId} already has run ${active.id} (${active.status}); send {"force": true} to spawn another`);
  }
}

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
      const runs = body.spawn ? await controlPlane.spawn([task.id], em) : [];
      return { task, state, runs };
    });
    // NOTIFY wakes relays elsewhere on commit; this process's relay is woken directly.
    if (created.runs.length > 0) controlPlane.relay.wake();
    request.log.info({ taskId: created.task.id, stateId: created.state.id }, 'task created');
    for (const run of created.runs) logSpawned(request.log, run);
    const runs = await controlPlane.em().find(WorkflowRun, { task: created.task.id });
    return reply
      .code(201)
      .header('location', `/tasks/${created.task.id}`)
      .send({ ...taskView(created.task, created.state, runs), run: created.runs[0] ?? null });
  });

  app.post('/tasks/:id/spawn', async (request, reply) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const { force } = parseInput(SpawnBody, request.body ?? undefined, 'body') ?? { force: false };
    const runs = await controlPlane.em().transactional(async (em) => {
      await lockTask(em, id);
      if (!force) await assertNoActiveRun(em, id);
      return controlPlane.spawn([id], em);
    });
    controlPlane.relay.wake();
    const run = runs[0]!;
    logSpawned(request.log, run);
    return reply.code(201).header('location', `/runs/${run.runId}`).send(run);
  });

  app.get('/tasks/:id', async (request) => {
    const { id } = parseInput(UuidParams, request.params, 'params');
    const em = controlPlane.em();
    const task = await em.findOne(MotivationalTask, { id }, { populate: ['motivationalState'] });
    if (!task) throw new ApiError(404, 'unknown_task', `unknown task id: ${id}`);
    const runs = await em.find(WorkflowRun, { task: id }, { orderBy: { enqueuedAt: 'desc', id: 'desc' }, limit: TASK_RUNS_SHOWN });
    return taskView(task, task.motivationalState, runs);
  });
}
