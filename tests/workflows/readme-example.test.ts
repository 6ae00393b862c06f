/** The README's defineWorkflow example runs on a plain DTO, and its refusal is unrecoverable. */
import { describe, expect, it } from '@jest/globals';
import { WorkflowUnrecoverableError } from '../../src/workflows/index.js';
import { digestWorkflow } from './support/digest.workflow.js';
import { runOnDto, taskContext } from './support/run-on-dto.js';

describe('README example: the digest workflow', () => {
  it('digests the prompt, reading createdAt as a Date and metadata as JSON', async () => {
    const context = taskContext({ motivationType: 'reflection', metadata: { requestedBy: 'ops' } });
    const { output, progress, logs } = await runOnDto(digestWorkflow, context);
    expect(output).toEqual({
      taskId: context.taskId,
      words: 9,
      longest: 'Explore',
      createdOn: '2026-01-02',
      requestedBy: 'ops',
      runId: '00000000-0000-4000-8000-000000000001',
    });
    expect(progress).toEqual([50]);
    expect(logs).toEqual([{ message: 'digesting', fields: { words: 9 } }]);
  });

  it('refuses a prompt too short to digest with an unrecoverable error', async () => {
    const context = taskContext({ generatedPrompt: 'Too short' });
    await expect(runOnDto(digestWorkflow, context)).rejects.toThrow(
      new WorkflowUnrecoverableError(`task ${context.taskId}: prompt too short to digest`),
    );
  });
});
