/**
 * Maps a motivation type to the workflow that runs it. Shared by the worker
 * (to run) and the producer (to refuse a task no workflow can run, at spawn
 * time rather than in the dead-letter queue).
 */
import { keywordsWorkflow } from './keywords.workflow.js';
import { noopWorkflow } from './noop.workflow.js';
import { planStepsWorkflow } from './plan-steps.workflow.js';
import type { WorkflowDefinition } from './workflow.js';

export class WorkflowRegistry {
  readonly #byMotivation = new Map<string, WorkflowDefinition>();

  constructor(workflows: readonly WorkflowDefinition[]) {
    for (const workflow of workflows) {
      for (const type of workflow.motivationTypes) {
        const existing = this.#byMotivation.get(type);
        if (existing) {
          throw new TypeError(`motivation type "${type}" is claimed by both "${existing.name}" and "${workflow.name}"`);
        }
        this.#byMotivation.set(type, workflow);
      }
    }
  }

  forMotivation(type: string): WorkflowDefinition | undefined {
    return this.#byMotivation.get(type);
  }

  get motivationTypes(): string[] {
    return [...this.#byMotivation.keys()];
  }
}

export const builtInWorkflows: readonly WorkflowDefinition[] = [keywordsWorkflow, planStepsWorkflow, noopWorkflow];

export const defaultRegistry = new WorkflowRegistry(builtInWorkflows);
