/**
 * The example of docs/workflows.md, kept here so it is type-checked
 * (npm run typecheck) and run (tests/workers/workflows/readme-example.test.ts, which
 * also fails when the block in the docs differs from this file).
 */
import { TaskSpawnContext } from '../../../../src/dto/index.js';
import { defineWorkflow, WorkflowUnrecoverableError } from '../../../../src/workers/workflows/index.js';

// The fields of the payload this workflow reads: a projection of TaskSpawnContext.
// `createdAt` travels as an ISO string; this schema's codec hands `run` a Date.
const input = TaskSpawnContext.pick({ taskId: true, generatedPrompt: true, createdAt: true, metadata: true });

export const digestWorkflow = defineWorkflow({
  name: 'digest',
  motivationTypes: ['reflection'],
  input,
  async run({ taskId, generatedPrompt, createdAt, metadata }, ctx) {
    const words = generatedPrompt.split(/\s+/).filter(Boolean);
    // Retrying cannot fix this: fail at once, straight to the dead-letter queue.
    if (words.length < 3) throw new WorkflowUnrecoverableError(`task ${taskId}: prompt too short to digest`);
    ctx.log('digesting', { words: words.length });
    await ctx.reportProgress(50);
    return {
      taskId,
      words: words.length,
      longest: words.reduce((a, b) => (b.length > a.length ? b : a)),
      createdOn: createdAt.toISOString().slice(0, 10), // a Date here would not compile: the output must be plain JSON
      requestedBy: typeof metadata?.requestedBy === 'string' ? metadata.requestedBy : null,
      runId: ctx.runId, // stable across attempts: the idempotency key for side effects
    };
  },
});
