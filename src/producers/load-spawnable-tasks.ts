/**
 * Loads tasks with their motivational state in one joined query per chunk of
 * ids — a constant number of statements however many tasks, never one per
 * task (the N+1 a lazy relation would cause).
 */
import type { EntityManager } from '@mikro-orm/core';
import { MotivationalTask } from '../entities/index.js';
import { UnknownTaskError } from './errors/unknown-task-error.js';
import type { SpawnableTask } from './extract-task-context.js';

/** Ids per SELECT: keeps the statement well under PostgreSQL's 65,535 parameters. */
export const LOAD_CHUNK_SIZE = 5_000;

export async function loadSpawnableTasks(em: EntityManager, taskIds: readonly string[]): Promise<SpawnableTask[]> {
  const loaded: SpawnableTask[] = [];
  for (let i = 0; i < taskIds.length; i += LOAD_CHUNK_SIZE) {
    const chunk = taskIds.slice(i, i + LOAD_CHUNK_SIZE);
    const tasks = await em.find(
      MotivationalTask,
      { id: { $in: chunk } },
      { populate: ['motivationalState'], strategy: 'joined' },
    );
    loaded.push(...tasks);
  }
  const found = new Set(loaded.map((task) => task.id));
  const missing = taskIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UnknownTaskError(missing);
  // Same order as asked, so runs are created (and their jobs relayed) in that order.
  const byId = new Map(loaded.map((task) => [task.id, task]));
  return taskIds.map((id) => byId.get(id)!);
}
