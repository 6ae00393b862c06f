/**
 * The defineWorkflow example of docs/workflows.md: the block in the docs is
 * this test's support file (import paths aside), it runs on a plain DTO, and
 * its refusal is unrecoverable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { WorkflowUnrecoverableError } from '../../../src/workers/workflows/index.js';
import { digestWorkflow } from './support/digest.workflow.js';
import { runOnDto, taskContext } from './support/run-on-dto.js';

const docsFile = new URL('../../../docs/workflows.md', import.meta.url);
const supportFile = new URL('./support/digest.workflow.ts', import.meta.url);

/** The code without its leading comments and with every import specifier blanked. */
function normalise(code: string): string {
  const lines = code.replace(/^\/\*\*[\s\S]*?\*\/\n/, '').split('\n');
  while (lines[0]?.startsWith('//')) lines.shift();
  return lines
    .join('\n')
    .replace(/from '[^']+'/g, "from '…'")
    .trim();
}

describe('docs/workflows.md example: the digest workflow', () => {
  it('is the code of tests/workers/workflows/support/digest.workflow.ts', () => {
    const docs = readFileSync(docsFile, 'utf8');
    const block = /## An example\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(block).toBeDefined();
    expect(normalise(block!)).toBe(normalise(readFileSync(supportFile, 'utf8')));
  });

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
    await expect(runOnDto(digestWorkflow, context)).rejects.toThrow(new WorkflowUnrecoverableError(`task ${context.taskId}: prompt too short to digest`));
  });
});
