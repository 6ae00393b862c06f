/**
 * `spawnTasks`: the built-in spawnable's spawn (task ids in, one WorkflowRun
 * and one outbox row per task out), a thin wrapper over the generic `spawn`
 * (spawn.ts) — same batching, atomicity and checks as any spawnable's.
 */
import type { EntityManager } from '@mikro-orm/core';
import { motivationalTaskSpawnable } from './built-in-spawnables.js';
import { spawn, type SpawnOptions } from './spawn.js';

export type { SpawnOptions, SpawnRequestOptions } from './spawn.js';

export interface SpawnedRun {
  runId: string;
  /** The subject's id: the task's, for the built-in spawnable. */
  taskId: string;
  workflow: string;
}

export async function spawnTasks<M extends object = never>(
  em: EntityManager,
  requestedIds: readonly string[],
  options: SpawnOptions<M>,
): Promise<SpawnedRun[]> {
  const runs = await spawn<M>(em, motivationalTaskSpawnable, requestedIds, options);
  return runs.map((run) => ({ runId: run.runId, taskId: run.subjectId, workflow: run.workflow }));
}
