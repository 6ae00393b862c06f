/**
 * How the processor reads an error a job ended with: does retrying make
 * sense, and if the run is dead, why — in a few words, since the dead reason
 * becomes a metric label (the details stay in the error message).
 */
import { UnrecoverableError } from 'bullmq';
import { cutToBytes, toStorableText } from '../dto/storable.js';
import { InvalidPayloadError } from './invalid-payload-error.js';
import { StalledTooOftenError } from './stalled-too-often-error.js';

/** BullMQ's own message when it fails a job that stalled past `maxStalledCount`. */
export const BULLMQ_STALLED_MESSAGE = 'job stalled more than allowable limit';

const UNRECOVERABLE_NAMES = new Set(['UnrecoverableError', 'WorkflowUnrecoverableError', 'InvalidPayloadError', 'StalledTooOftenError', 'UnstorableResultError']);

/**
 * True for BullMQ's `UnrecoverableError` and its subclasses — also when they
 * come from another copy of BullMQ (a workflow module with its own
 * node_modules), where `instanceof` cannot see them.
 */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof Error && UNRECOVERABLE_NAMES.has(error.name));
}

export function isStalledFailure(error: unknown): boolean {
  return error instanceof StalledTooOftenError || (error instanceof Error && error.message === BULLMQ_STALLED_MESSAGE);
}

/** What BullMQ should see: an error it classifies the way we do. */
export function asBullmqError(error: unknown): Error {
  if (isUnrecoverable(error) && !(error instanceof UnrecoverableError)) {
    return new UnrecoverableError(errorMessage(error));
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `thrown non-error: ${String(error)}`;
  // Always storable: the message is recorded as the run's error.
  return cutToBytes(toStorableText(text), 4_000);
}

/** Why a run is dead, for a final failure. `attempts`: failed attempts counted, `stalls`: the job's stalled counter. */
export function deadReasonOf(error: unknown, counts: { attempts: number; stalls: number }): string {
  if (error instanceof InvalidPayloadError || (error instanceof Error && error.name === 'InvalidPayloadError')) return 'invalid payload';
  if (error instanceof Error && error.name === 'UnstorableResultError') return 'unstorable result';
  if (isStalledFailure(error)) return `stalled too often (${counts.stalls})`;
  if (isUnrecoverable(error)) return 'unrecoverable error';
  return `attempts exhausted (${counts.attempts})`;
}
