/**
 * The in-progress guard of a spawn, shared by POST /tasks/:id/spawn and
 * `nyx spawn`: a task that already has an unfinished run is refused unless
 * forced. It holds under concurrency because it runs in the spawn's
 * transaction after locking the task rows (`FOR UPDATE`, in id order so two
 * spawns of overlapping sets cannot deadlock): a second spawn of the same
 * task waits for the first to commit, then sees its run.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { isUuid, normalizeUuid } from '../dto/uuid.js';
import { WorkflowRun } from '../control-plane/entities/index.js';
import { RunInProgressError, UnknownTaskError } from './errors/index.js';

/** Statuses of a run that is not finished. */
export const ACTIVE_RUN_STATUSES = ['pending', 'delayed', 'queued', 'running'] as const;

async function lockTasks(em: SqlEntityManager, taskIds: readonly string[]): Promise<void> {
  // A malformed id is an unknown task, as spawnTasks says (and PostgreSQL would refuse it as a uuid).
  const malformed = taskIds.filter((id) => !isUuid(id));
  if (malformed.length > 0) throw new UnknownTaskError(malformed);
  const unique = [...new Set(taskIds)].sort();
  const rows = await em.execute<{ id: string }[]>(
    `select id from motivational_task where id in (${unique.map(() => '?').join(', ')}) order by id for update`,
    unique,
  );
  const found = new Set(rows.map((row) => row.id));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UnknownTaskError(missing);
}

/**
 * Locks the tasks and throws RunInProgressError for the first one that has
 * an unfinished run (UnknownTaskError for ids that do not exist). Call inside
 * the spawn's transaction, before spawning.
 */
export async function assertNoActiveRuns(em: EntityManager, taskIds: readonly string[]): Promise<void> {
  if (!em.isInTransaction()) throw new Error("assertNoActiveRuns must run inside the spawn's transaction (the lock is what makes it hold)");
  if (taskIds.length === 0) return;
  const sql = em as SqlEntityManager;
  // Any case in; the database answers in lower case, so compare that way.
  taskIds = taskIds.map((id) => normalizeUuid(id) ?? id);
  await lockTasks(sql, taskIds);
  const active = await sql.findOne(
    WorkflowRun,
    { taskId: { $in: [...taskIds] }, status: { $in: [...ACTIVE_RUN_STATUSES] } },
    { fields: ['id', 'status', 'taskId'], orderBy: { enqueuedAt: 'asc', id: 'asc' } },
  );
  if (active) throw new RunInProgressError(active.taskId!, active.id, active.status);
}
