/**
 * What the API returns for each entity: explicit plain objects, never the
 * entity itself (the same rule as for job payloads — an entity serialized by
 * accident shows whatever happens to be loaded).
 */
import type { MotivationalState, MotivationalTask, WorkflowRun } from '../entities/index.js';

export function stateView(state: MotivationalState) {
  return {
    id: state.id,
    motivationType: state.motivationType,
    intensity: state.intensity,
    description: state.description ?? null,
    createdAt: state.createdAt.toISOString(),
  };
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const between = (from: Date | null | undefined, to: Date | null | undefined) => (from && to ? to.getTime() - from.getTime() : null);

export function runView(run: WorkflowRun) {
  return {
    id: run.id,
    /** The built-in spawnable's task id; null for another spawnable's run. */
    taskId: run.taskId ?? null,
    spawnable: run.spawnable,
    subjectId: run.subjectId,
    workflow: run.workflow,
    status: run.status,
    attempts: run.attempts,
    payloadVersion: run.payloadVersion,
    result: run.result ?? null,
    error: run.error ?? null,
    timings: {
      enqueuedAt: iso(run.enqueuedAt),
      /** A delayed run's due time. */
      runAt: iso(run.runAt),
      queuedAt: iso(run.queuedAt),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      /** Start of the last attempt to its end. */
      runMs: between(run.startedAt, run.finishedAt),
      /** Spawn to end, retries and queueing included. */
      totalMs: between(run.enqueuedAt, run.finishedAt),
    },
  };
}

export function runSummaryView(run: WorkflowRun) {
  return { id: run.id, workflow: run.workflow, status: run.status, attempts: run.attempts, enqueuedAt: iso(run.enqueuedAt), finishedAt: iso(run.finishedAt) };
}

/** A task in GET /tasks: without its runs (GET /tasks/:id or GET /runs?taskId= has them). */
export function taskListView(task: MotivationalTask, state: MotivationalState) {
  return {
    id: task.id,
    generatedPrompt: task.generatedPrompt,
    taskPriority: task.taskPriority,
    arbitrationScore: task.arbitrationScore,
    metadata: task.metadata ?? null,
    createdAt: task.createdAt.toISOString(),
    motivationalState: stateView(state),
  };
}

export function taskView(task: MotivationalTask, state: MotivationalState, runs: readonly WorkflowRun[]) {
  return { ...taskListView(task, state), runs: runs.map(runSummaryView) };
}
