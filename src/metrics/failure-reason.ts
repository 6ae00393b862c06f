/**
 * A failure's reason as a metric label: a short, low-cardinality word taken
 * from what the worker reported, never the free-text message (which holds
 * ids and would make one time series per run).
 */
import type { WorkflowFailure } from '../dto/index.js';

const LABEL = /[^a-z0-9]+/g;

function toLabel(text: string): string {
  return text.toLowerCase().replace(LABEL, '_').replace(/^_+|_+$/g, '').slice(0, 48) || 'unknown';
}

/**
 * Final failures: the worker's dead reason without its details
 * (`attempts exhausted (3)` → `attempts_exhausted`, `invalid payload` → `invalid_payload`).
 * Retried attempts: the error's class name (`Error: boom` → `error`, `TimeoutError: …` → `timeouterror`).
 */
export function failureReason(failure: Pick<WorkflowFailure, 'final' | 'deadReason' | 'error'>): string {
  if (failure.final && failure.deadReason) return toLabel(failure.deadReason.replace(/\(.*\)/g, ''));
  const name = /^([A-Za-z][A-Za-z0-9_]*)(?::|$)/.exec(failure.error)?.[1];
  return name ? toLabel(name) : 'error';
}
