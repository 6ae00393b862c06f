/**
 * A failure's reason as a metric label: a short, low-cardinality word taken
 * from the data the worker reported (`deadCause.code`, `errorName`), never
 * from the free-text message (which holds ids and would make one time
 * series per run) and never by parsing text.
 */
import type { WorkflowFailure } from '../../dto/index.js';

const LABEL = /[^a-z0-9]+/g;

function toLabel(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(LABEL, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48) || 'unknown'
  );
}

/**
 * Final failures: the dead cause's code (`attempts_exhausted`, `invalid_payload`…;
 * `dead` from a worker older than `deadCause`).
 * Retried attempts: the error's class name or catalogue code (`TimeoutError` → `timeouterror`; `error` when not reported).
 */
export function failureReason(failure: Pick<WorkflowFailure, 'final' | 'deadCause' | 'errorName'>): string {
  if (failure.final) return failure.deadCause ? failure.deadCause.code : 'dead';
  return failure.errorName ? toLabel(failure.errorName) : 'error';
}
