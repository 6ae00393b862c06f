/**
 * A user workflow, as an application would write one: loaded by real worker
 * processes through NYX_WORKFLOW_MODULES (tests/workers/workflows/user-workflow.test.ts)
 * and put in the control plane's registry by the test. It echoes what it was
 * given, so the test can see the payload's metadata arrive.
 */
import { TaskSpawnContextV1 } from '../../../../src/dto/index.js';
import { defineWorkflow } from '../../../../src/workers/workflows/index.js';

export const echoMetadataWorkflow = defineWorkflow({
  name: 'echo-metadata',
  motivationTypes: ['echo'],
  input: TaskSpawnContextV1.pick({ taskId: true, generatedPrompt: true, metadata: true }),
  async run({ taskId, generatedPrompt, metadata }, ctx) {
    ctx.log('echoing', { keys: Object.keys(metadata ?? {}) });
    await ctx.reportProgress(100);
    return { taskId, promptLength: generatedPrompt.length, metadata: metadata ?? null, runId: ctx.runId, attempt: ctx.attempt };
  },
});
