/**
 * Loads tasks with their motivational state in one joined query per chunk of
 * ids — a constant number of statements however many tasks, never one per
 * task (the N+1 a lazy relation would cause).
 *
 * Stored metadata nested thousands of levels deep (written by another
 * program: jsonb takes it) overflows the stack inside MikroORM's hydration
 * (it JSON.stringifies JSON columns), before extraction could refuse it.
 * Only then, a second statement asks PostgreSQL which task it was, so the
 * answer names the task and the limit instead of a RangeError.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { selectTasksWithDeepMetadata } from './built-in-spawnables.js';
import { METADATA_LIMITS } from '../dto/input-limits.js';
import { MotivationalTask } from '../control-plane/entities/index.js';
import { InvalidTaskContextError } from './errors/invalid-task-context-error.js';
import { UnknownTaskError } from './errors/unknown-task-error.js';
import type { SpawnableTask } from './extract-task-context.js';

/** Ids per SELECT: keeps the statement well under PostgreSQL's 65,535 parameters. */
export const LOAD_CHUNK_SIZE = 5_000;

export async function loadSpawnableTasks(em: EntityManager, taskIds: readonly string[]): Promise<SpawnableTask[]> {
  const loaded: SpawnableTask[] = [];
  for (let i = 0; i < taskIds.length; i += LOAD_CHUNK_SIZE) {
    const chunk = taskIds.slice(i, i + LOAD_CHUNK_SIZE);
    let tasks: SpawnableTask[];
    try {
      tasks = await em.find(MotivationalTask, { id: { $in: chunk } }, { populate: ['motivationalState'], strategy: 'joined' });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const [deep] = await selectTasksWithDeepMetadata(em as SqlEntityManager, chunk, METADATA_LIMITS.maxDepth);
      if (deep === undefined) throw error;
      throw new InvalidTaskContextError(
        deep,
        [{ path: 'metadata', message: `nested deeper than the limit of ${METADATA_LIMITS.maxDepth} levels (too deep to load)` }],
        { cause: error },
      );
    }
    loaded.push(...tasks);
  }
  const found = new Set(loaded.map((task) => task.id));
  const missing = taskIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UnknownTaskError(missing);
  // Same order as asked, so runs are created (and their jobs relayed) in that order.
  const byId = new Map(loaded.map((task) => [task.id, task]));
  return taskIds.map((id) => byId.get(id)!);
}
