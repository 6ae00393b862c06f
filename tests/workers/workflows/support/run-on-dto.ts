/**
 * Runs a workflow on a plain `TaskSpawnContext`, the way a worker does —
 * encode to the wire form, keep the fields the input schema names, parse,
 * run — but without Redis or a worker: workflows are plain code.
 */
import { z } from 'zod';
import { TaskSpawnContext } from '../../../../src/dto/index.js';
import type { WorkflowContext, WorkflowDefinition } from '../../../../src/workers/workflows/workflow.js';

export interface DtoRun<O> {
  output: O;
  progress: number[];
  logs: { message: string; fields?: Record<string, unknown> }[];
}

export function taskContext(overrides: Partial<TaskSpawnContext> = {}): TaskSpawnContext {
  return {
    taskId: '8f7a3c2e-1b4d-4e6f-9a0b-1c2d3e4f5a6b',
    generatedPrompt: 'Explore tidal forces. Tidal forces shape coasts; coasts change.',
    motivationType: 'curiosity',
    intensity: 0.5,
    priority: 3,
    arbitrationScore: 0.42,
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    ...overrides,
  };
}

/** `any` input schema: each workflow has its own; this helper only hands its parse result on. */
export async function runOnDto<O>(workflow: WorkflowDefinition<any, O>, context: TaskSpawnContext): Promise<DtoRun<O>> {
  const wire: Record<string, unknown> = z.encode(TaskSpawnContext, context);
  const shape = (workflow.input as { shape?: Record<string, unknown> }).shape;
  const projected = shape
    ? Object.fromEntries(
        Object.keys(shape)
          .filter((k) => k in wire)
          .map((k) => [k, wire[k]]),
      )
    : wire;
  const input: unknown = workflow.input.parse(projected);
  const progress: number[] = [];
  const logs: DtoRun<O>['logs'] = [];
  const ctx: WorkflowContext = {
    runId: '00000000-0000-4000-8000-000000000001',
    attempt: 1,
    signal: new AbortController().signal,
    reportProgress: async (percent) => {
      progress.push(percent);
    },
    log: (message, fields) => logs.push({ message, ...(fields ? { fields } : {}) }),
  };
  const output = await workflow.run(input, ctx);
  return { output, progress, logs };
}
