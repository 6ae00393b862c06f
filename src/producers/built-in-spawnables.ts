/**
 * The built-in spawnable: the NYX pair (`MotivationalState` 1 ─<
 * `MotivationalTask`) → `TaskSpawnContext`, routed by `motivationType`. It
 * goes through the same `spawn` as any user's spawnable; what it adds is
 * data about itself: a metadata merge, the explanation of a load that fails
 * on absurdly deep stored metadata, and its subject written to
 * `workflow_run.task_id` too (the /tasks routes and schedules read it).
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { taskSpawnContract, type JsonValue, type TaskSpawnContextWire } from '../dto/index.js';
import { METADATA_LIMITS } from '../dto/input-limits.js';
import { MotivationalTask } from '../control-plane/entities/index.js';
import { InvalidTaskContextError } from './errors/invalid-task-context-error.js';
import { taskContextCandidate } from './extract-task-context.js';
import { defineSpawnable } from './spawnable.js';

export const MOTIVATIONAL_TASK_SPAWNABLE = 'motivational-task';

export const motivationalTaskSpawnable = defineSpawnable({
  name: MOTIVATIONAL_TASK_SPAWNABLE,
  contract: taskSpawnContract,
  entity: MotivationalTask,
  populate: ['motivationalState'],
  subject: 'task',
  extract: (task) => taskContextCandidate(task),
  recordsTaskId: true,
  /** Shallow merge: the caller's keys win over the task's own (both plain JSON, checked by assertPlainJson). */
  mergeMetadata: (wire: TaskSpawnContextWire, extra: Record<string, JsonValue>) => ({ ...wire, metadata: { ...wire.metadata, ...extra } }),
  explainLoadError: explainDeepMetadata,
});

/**
 * Stored metadata nested thousands of levels deep (written by another
 * program: jsonb takes it) overflows the stack inside MikroORM's hydration
 * (it JSON.stringifies JSON columns), before extraction could refuse it.
 * Only then, a second statement asks PostgreSQL which task it was, so the
 * answer names the task and the limit instead of a RangeError.
 */
async function explainDeepMetadata(em: SqlEntityManager, ids: readonly string[], error: unknown): Promise<Error | null> {
  if (!(error instanceof RangeError)) return null;
  const [deep] = await selectTasksWithDeepMetadata(em, ids, METADATA_LIMITS.maxDepth);
  if (deep === undefined) return null;
  return new InvalidTaskContextError(
    deep,
    [{ path: 'metadata', message: `nested deeper than the limit of ${METADATA_LIMITS.maxDepth} levels (too deep to load)` }],
    { cause: error },
  );
}

/**
 * Ids among `ids` whose metadata holds a container below `maxDepth` levels
 * (the metadata object is level 1): jsonpath's `.**{n}` visits level n only,
 * so PostgreSQL walks no deeper than the limit.
 */
export async function selectTasksWithDeepMetadata(em: SqlEntityManager, ids: readonly string[], maxDepth: number): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(`select id from motivational_task where id = any(?::uuid[]) and jsonb_path_exists(metadata, ?::jsonpath)`, [
    `{${ids.join(',')}}`,
    `strict $.**{${maxDepth}} ? (@.type() == "object" || @.type() == "array")`,
  ]);
  return rows.map((row) => row.id);
}
