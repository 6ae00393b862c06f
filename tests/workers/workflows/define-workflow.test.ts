/**
 * defineWorkflow refuses a definition that could not work, when its module
 * loads (so a worker stops at start, not at every job); the registry refuses
 * a motivation type claimed twice.
 */
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { TaskSpawnContext, TaskSpawnContextV1 } from '../../../src/dto/index.js';
import { InvalidWorkflowError } from '../../../src/workers/workflows/invalid-workflow-error.js';
import { builtInWorkflows, defaultRegistry, WorkflowRegistry } from '../../../src/workers/workflows/registry.js';
import { defineWorkflow } from '../../../src/workers/workflows/workflow.js';
import { runOnDto, taskContext } from './support/run-on-dto.js';

const input = TaskSpawnContextV1.pick({ taskId: true });
const valid = { name: 'echo', motivationTypes: ['echo'], input, run: ({ taskId }: { taskId: string }) => ({ taskId }) };

function refusal(definition: unknown): InvalidWorkflowError {
  try {
    defineWorkflow(definition as never);
  } catch (error) {
    if (error instanceof InvalidWorkflowError) return error;
    throw error;
  }
  throw new Error('defineWorkflow accepted the definition');
}

describe('defineWorkflow', () => {
  it('returns a frozen definition that runs on a plain DTO', async () => {
    const workflow = defineWorkflow(valid);
    expect(Object.isFrozen(workflow)).toBe(true);
    expect(workflow.name).toBe('echo');
    const { output } = await runOnDto(workflow, taskContext());
    expect(output).toEqual({ taskId: taskContext().taskId });
  });

  it.each([
    ['a name with capitals', { ...valid, name: 'Echo' }, 'workflow "Echo": the name must be lower-case letters, digits and dashes'],
    ['an empty name', { ...valid, name: '' }, 'workflow "": the name must be lower-case letters, digits and dashes'],
    ['no motivation type', { ...valid, motivationTypes: [] }, 'workflow "echo": it handles no motivation type'],
    [
      'a motivation type no payload can have',
      { ...valid, motivationTypes: ['echo', 'Big Feelings'] },
      'workflow "echo": "Big Feelings" is not a motivation type (lower-case, like "curiosity")',
    ],
    ['a run that is not a function', { ...valid, run: 'echo' }, 'workflow "echo": run is not a function'],
    [
      'an input reading fields the payload does not have',
      { ...valid, input: z.object({ taskId: z.string(), owner: z.string(), tenant: z.string() }) },
      `workflow "echo": its input reads "owner", "tenant", not in TaskSpawnContext (fields: ${Object.keys(TaskSpawnContext.shape).join(', ')})`,
    ],
  ])('refuses %s', (_what, definition, message) => {
    const error = refusal(definition);
    expect(error.message).toBe(message);
    expect(error.name).toBe('InvalidWorkflowError');
    expect(error).toBeInstanceOf(TypeError);
  });

  it('refuses a policy that cannot work, naming the field', () => {
    expect(refusal({ ...valid, timeoutMs: 0 }).message).toMatch(/^workflow "echo": bad policy: .*timeoutMs/);
    expect(refusal({ ...valid, attempts: 1.5 }).message).toMatch(/^workflow "echo": bad policy: .*attempts/);
    expect(refusal({ ...valid, backoff: { type: 'linear', delayMs: 10 } }).message).toMatch(/^workflow "echo": bad policy: .*backoff\.type/);
  });

  it('keeps the policy on the definition', () => {
    const workflow = defineWorkflow({ ...valid, timeoutMs: 5_000, attempts: 1, backoff: { type: 'fixed', delayMs: 10 } });
    expect(workflow).toMatchObject({ timeoutMs: 5_000, attempts: 1, backoff: { type: 'fixed', delayMs: 10 } });
  });

  it('accepts an input schema that is not an object: it reads the whole wire payload', async () => {
    const whole = defineWorkflow({
      name: 'whole',
      motivationTypes: ['whole'],
      input: TaskSpawnContextV1.extend({ intensity: z.number() }).transform((c) => `${c.taskId}@${c.createdAt.toISOString()}`),
      run: (summary) => ({ summary }),
    });
    const { output } = await runOnDto(whole, taskContext());
    expect(output).toEqual({ summary: `${taskContext().taskId}@2026-01-02T03:04:05.000Z` });
  });
});

describe('WorkflowRegistry', () => {
  const echo = defineWorkflow(valid);

  it('maps each motivation type to its workflow', () => {
    const registry = new WorkflowRegistry([...builtInWorkflows, echo]);
    expect(registry.forMotivation('echo')).toBe(echo);
    expect(registry.forMotivation('curiosity')?.name).toBe('keywords');
    expect(registry.forMotivation('mastery')?.name).toBe('plan-steps');
    expect(registry.forMotivation('boredom')).toBeUndefined();
    expect(registry.motivationTypes.sort()).toEqual(['autonomy', 'curiosity', 'echo', 'mastery', 'noop', 'relatedness']);
  });

  it('refuses a motivation type claimed by two workflows, naming both', () => {
    const curious = defineWorkflow({ ...valid, name: 'my-curiosity', motivationTypes: ['echo-2', 'curiosity'] });
    expect(() => new WorkflowRegistry([...builtInWorkflows, curious])).toThrow('motivation type "curiosity" is claimed by both "keywords" and "my-curiosity"');
  });

  it('has the built-in workflows by default', () => {
    expect(builtInWorkflows.map((w) => w.name)).toEqual(['keywords', 'plan-steps', 'noop']);
    expect(defaultRegistry.motivationTypes.sort()).toEqual(['autonomy', 'curiosity', 'mastery', 'noop', 'relatedness']);
  });
});
