/**
 * How the processor reads an error a job ended with: does retrying make
 * sense, and if the run is dead, why — in a few words, since the dead reason
 * becomes a metric label (the details stay in the error message).
 */
import { UnrecoverableError } from 'bullmq';
import { cutToBytes, toStorableText } from '../dto/storable.js';
import { describeDeadCause, type DeadCause } from '../dto/index.js';
import { errorKind, isNyxError } from '../shared/errors/nyx-error.js';
import { StalledTooOftenError } from './stalled-too-often-error.js';

/** BullMQ's own message when it fails a job that stalled past `maxStalledCount`. */
export const BULLMQ_STALLED_MESSAGE = 'job stalled more than allowable limit';

/**
 * True when retrying cannot help: a catalogue error of kind `unrecoverable`
 * (ours, from any copy of nyx), or BullMQ's own `UnrecoverableError` — also
 * from another copy of BullMQ (a workflow module with its own
 * node_modules), which BullMQ itself recognises by that name.
 */
export function isUnrecoverable(error: unknown): boolean {
  if (errorKind(error) === 'unrecoverable') return true;
  return error instanceof UnrecoverableError || (error instanceof Error && error.name === UnrecoverableError.name);
}

export function isStalledFailure(error: unknown): boolean {
  return (
    (isNyxError(error) && error.code === 'stalled_too_often') ||
    error instanceof StalledTooOftenError ||
    (error instanceof Error && error.message === BULLMQ_STALLED_MESSAGE)
  );
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

/** A short, low-cardinality name for an error (metric label material): the catalogue code, else the class name. */
export function errorNameOf(error: unknown): string {
  if (isNyxError(error)) return error.code;
  return (error instanceof Error ? error.name : 'thrown_non_error').slice(0, 64) || 'Error';
}

/** Why a run is dead, for a final failure. `attempts`: failed attempts counted, `stalls`: the job's stalled counter. */
export function deadCauseOf(error: unknown, counts: { attempts: number; stalls: number }): DeadCause {
  const catalogued = isNyxError(error) ? error.code : null;
  const code =
    catalogued === 'invalid_payload' || catalogued === 'unstorable_result'
      ? catalogued
      : isStalledFailure(error)
        ? 'stalled_too_often'
        : isUnrecoverable(error)
          ? 'unrecoverable_error'
          : 'attempts_exhausted';
  return { code, attempts: counts.attempts, stalls: counts.stalls };
}

/** `deadCauseOf` in words (what runs and dead letters show). */
export function deadReasonOf(error: unknown, counts: { attempts: number; stalls: number }): string {
  return describeDeadCause(deadCauseOf(error, counts));
}
