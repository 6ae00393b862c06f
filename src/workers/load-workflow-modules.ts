/**
 * User workflows: NYX_WORKFLOW_MODULES names modules a worker imports at
 * start, next to the built-in workflows. Loaded after the import guard is
 * installed (main.ts), so a workflow module that reaches for the ORM stops
 * the worker like any other code would. A module that cannot be loaded or
 * exports no workflow stops the worker at start (exit code 2), rather than
 * sending every job of its motivation types to the dead-letter queue.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../shared/config/config-error.js';
import { builtInWorkflows, WorkflowRegistry } from './workflows/registry.js';
import type { WorkflowDefinition } from './workflows/workflow.js';

function isWorkflow(value: unknown): value is WorkflowDefinition {
  const candidate = value as Partial<WorkflowDefinition> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.routes) &&
    typeof candidate.run === 'function' &&
    typeof (candidate.input as { safeParse?: unknown } | undefined)?.safeParse === 'function'
  );
}

/** Imports each module and returns the workflows it exports, in module order. */
export async function loadWorkflowModules(specifiers: readonly string[], cwd = process.cwd()): Promise<WorkflowDefinition[]> {
  const found: WorkflowDefinition[] = [];
  for (const specifier of specifiers) {
    const file = path.resolve(cwd, specifier);
    let exported: Record<string, unknown>;
    try {
      exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`invalid configuration — NYX_WORKFLOW_MODULES: cannot load ${file}: ${(error as Error).message}`);
    }
    const workflows = [
      ...new Set(
        Object.values(exported)
          .flatMap((value): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]))
          .filter(isWorkflow),
      ),
    ];
    if (workflows.length === 0) {
      throw new ConfigError(`invalid configuration — NYX_WORKFLOW_MODULES: ${file} exports no workflow (export what defineWorkflow returns)`);
    }
    found.push(...workflows);
  }
  return found;
}

/** The built-in workflows plus those of NYX_WORKFLOW_MODULES; a motivation type claimed twice stops the worker. */
export async function buildWorkerRegistry(builtIn: readonly WorkflowDefinition[], specifiers: readonly string[] | undefined): Promise<WorkflowRegistry> {
  const extra = specifiers ? await loadWorkflowModules(specifiers) : [];
  try {
    return new WorkflowRegistry([...builtIn, ...extra]);
  } catch (error) {
    throw new ConfigError(`invalid configuration — NYX_WORKFLOW_MODULES: ${(error as Error).message}`);
  }
}

/**
 * The registry every command resolves the same way — `start`, `spawn`,
 * `worker` and `dlq`, and `ControlPlane.open` when given none: the built-in
 * workflows plus the user modules (`workflowModules`, from
 * NYX_WORKFLOW_MODULES). A control plane that skipped the user modules would
 * refuse their tasks as `unknown_workflow` while the workers run them.
 */
export function resolveWorkflowRegistry(
  workflowModules: readonly string[] | undefined,
  extraWorkflows: readonly WorkflowDefinition[] = [],
): Promise<WorkflowRegistry> {
  return buildWorkerRegistry([...builtInWorkflows, ...extraWorkflows], workflowModules);
}
