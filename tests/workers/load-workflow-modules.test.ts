/** NYX_WORKFLOW_MODULES: user workflow modules load beside the built-ins; a bad one stops the worker with a clear message. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/shared/config/config-error.js';
import { buildWorkerRegistry, loadWorkflowModules } from '../../src/workers/load-workflow-modules.js';
import { builtInWorkflows } from '../../src/workers/workflows/registry.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/fault-workflows.ts', import.meta.url));
const NO_WORKFLOWS = fileURLToPath(new URL('../../src/dto/queue-names.ts', import.meta.url));

describe('loadWorkflowModules', () => {
  it('loads every workflow a module exports, once', async () => {
    const workflows = await loadWorkflowModules([FIXTURE]);
    expect(workflows.map((w) => w.name)).toEqual(['test-sleep', 'test-flaky', 'test-give-up']);
    const registry = await buildWorkerRegistry(builtInWorkflows, [FIXTURE]);
    expect(registry.forMotivation('test-sleep')?.name).toBe('test-sleep');
    expect(registry.forMotivation('curiosity')?.name).toBe('keywords');
  });

  it.each([
    ['a missing file', ['/nonexistent/workflows.ts'], 'NYX_WORKFLOW_MODULES: cannot load /nonexistent/workflows.ts'],
    ['a module with no workflow', [NO_WORKFLOWS], `NYX_WORKFLOW_MODULES: ${NO_WORKFLOWS} exports no workflow`],
    ['a motivation type claimed twice', [FIXTURE, FIXTURE], 'motivation type "test-sleep" is claimed by both "test-sleep" and "test-sleep"'],
  ])('refuses %s with a ConfigError', async (_, specifiers, message) => {
    const loading = buildWorkerRegistry(builtInWorkflows, specifiers);
    await expect(loading).rejects.toThrow(ConfigError);
    await expect(loading).rejects.toThrow(message);
  });
});
