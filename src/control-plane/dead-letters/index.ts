/**
 * The dead-letter queue, control-plane side: list, show, redrive. Workers
 * write the letters (src/workers/outcome-reporter.ts); this folder reads them
 * and, on redrive, sends the run through the outbox again.
 */
import type { ControlPlane } from '../control-plane.js';
import type { WorkflowRegistry } from '../../workers/workflows/registry.js';
import type { RedriveDeps } from './redrive-dead-letter.js';

export * from './errors/index.js';
export * from './dead-letter-queue.js';
export * from './inspect-dead-letters.js';
export * from './redrive-dead-letter.js';

/** Wires list/show/redrive to a control plane's database, queues and relay. */
export function deadLetterDeps(cp: ControlPlane, options: { registry: WorkflowRegistry; maxPayloadBytes: number }): RedriveDeps {
  return {
    em: () => cp.em(),
    queue: (name) => cp.queue(name),
    naming: cp.naming,
    registry: options.registry,
    maxPayloadBytes: options.maxPayloadBytes,
    afterOutboxWrite: (em) => cp.afterOutboxWrite(em),
  };
}
