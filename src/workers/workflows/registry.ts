/**
 * Maps (contract, route key) to the workflow that runs it. Shared by the
 * worker (to run) and the producer (to refuse a payload no workflow can run,
 * at spawn time rather than in the dead-letter queue). One registry may hold
 * workflows of several contracts: one worker process serves them all.
 */
import type { Contract } from '../../dto/contract.js';
import { TASK_SPAWN_CONTEXT_SCHEMA } from '../../dto/task-spawn-context.js';
import { keywordsWorkflow } from './keywords.workflow.js';
import { noopWorkflow } from './noop.workflow.js';
import { planStepsWorkflow } from './plan-steps.workflow.js';
import type { WorkflowDefinition } from './workflow.js';

/** A route of the registry: which workflow runs a contract's route key, and under which queue key. */
export interface RegisteredRoute {
  contract: Contract;
  route: string;
  /** `contract.queueKey(route)`: the queue's name part with NYX_QUEUE_ROUTING=route, and its config key. */
  queueKey: string;
  workflow: WorkflowDefinition;
}

export class WorkflowRegistry {
  readonly #contracts = new Map<string, Contract>();
  /** By contract name, then route key. */
  readonly #routes = new Map<string, Map<string, RegisteredRoute>>();
  readonly #byQueueKey = new Map<string, RegisteredRoute>();

  constructor(workflows: readonly WorkflowDefinition[]) {
    for (const workflow of workflows) {
      const { contract } = workflow;
      const known = this.#contracts.get(contract.name);
      if (known && known !== contract && known.version !== contract.version) {
        throw new TypeError(`contract "${contract.name}" is defined twice, at versions ${known.version} and ${contract.version}`);
      }
      if (!known) this.#contracts.set(contract.name, contract);
      const routes = this.#routes.get(contract.name) ?? new Map<string, RegisteredRoute>();
      this.#routes.set(contract.name, routes);
      for (const route of workflow.routes) {
        const existing = routes.get(route);
        if (existing) {
          const what = contract.name === TASK_SPAWN_CONTEXT_SCHEMA ? `motivation type "${route}"` : `route "${route}" of ${contract.name}`;
          throw new TypeError(`${what} is claimed by both "${existing.workflow.name}" and "${workflow.name}"`);
        }
        const entry = { contract: this.#contracts.get(contract.name)!, route, queueKey: contract.queueKey(route), workflow };
        const clash = this.#byQueueKey.get(entry.queueKey);
        if (clash) throw new TypeError(`queue key "${entry.queueKey}" is used by ${clash.contract.name} and ${contract.name} (give one a routeNamespace)`);
        routes.set(route, entry);
        this.#byQueueKey.set(entry.queueKey, entry);
      }
    }
  }

  /** The workflow of a contract's route key. */
  forRoute(contract: string, route: string): WorkflowDefinition | undefined {
    return this.#routes.get(contract)?.get(route)?.workflow;
  }

  /** The built-in contract's route (a motivation type). */
  forMotivation(type: string): WorkflowDefinition | undefined {
    return this.forRoute(TASK_SPAWN_CONTEXT_SCHEMA, type);
  }

  /** Route keys some workflow of this contract handles. */
  routesOf(contract: string): string[] {
    return [...(this.#routes.get(contract)?.keys() ?? [])];
  }

  /** The built-in contract's route keys. */
  get motivationTypes(): string[] {
    return this.routesOf(TASK_SPAWN_CONTEXT_SCHEMA);
  }

  /** Every contract some workflow reads, by name (what a worker opens envelopes with). */
  get contracts(): ReadonlyMap<string, Contract> {
    return this.#contracts;
  }

  /** Every route, in registration order. */
  get routes(): RegisteredRoute[] {
    return [...this.#byQueueKey.values()];
  }

  /** The route queued under this key. */
  forQueueKey(key: string): RegisteredRoute | undefined {
    return this.#byQueueKey.get(key);
  }
}

export const builtInWorkflows: readonly WorkflowDefinition[] = [keywordsWorkflow, planStepsWorkflow, noopWorkflow];

export const defaultRegistry = new WorkflowRegistry(builtInWorkflows);
