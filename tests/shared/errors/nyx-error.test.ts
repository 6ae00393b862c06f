/**
 * The error catalogue: every catalogue error has a stable snake_case code
 * and a kind; the API, the CLI and the worker read only the kind (and the
 * code for the HTTP body), and `instanceof NyxError` holds for catalogue
 * errors built on another base class (BullMQ's UnrecoverableError, TypeError).
 */
import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { toApiError } from '../../../src/control-plane/api/errors.js';
import { exitCodeOf } from '../../../src/cli/exit.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { ConfigError } from '../../../src/shared/config/config-error.js';
import { DeadLetterNotFoundError, RedriveRefusedError } from '../../../src/control-plane/dead-letters/errors/index.js';
import { errorKind, isNyxError, NYX_ERROR, NyxError } from '../../../src/shared/errors/nyx-error.js';
import {
  InvalidSpawnMetadataError,
  InvalidTaskContextError,
  NotPlainJsonError,
  PayloadTooLargeError,
  RelationNotLoadedError,
  UnknownTaskError,
  UnknownWorkflowError,
} from '../../../src/producers/errors/index.js';
import { deadCauseOf, isUnrecoverable } from '../../../src/workers/classify-failure.js';
import { InvalidPayloadError } from '../../../src/workers/invalid-payload-error.js';
import { StalledTooOftenError } from '../../../src/workers/stalled-too-often-error.js';
import { InvalidWorkflowError } from '../../../src/workers/workflows/invalid-workflow-error.js';
import { WorkflowTimeoutError } from '../../../src/workers/workflow-timeout-error.js';
import { WorkflowUnrecoverableError } from '../../../src/workers/workflows/workflow-unrecoverable-error.js';

const ID = '00000000-0000-4000-8000-000000000000';

const catalogue: [Error, string, string, number, number][] = [
  // error, code, kind, HTTP status, CLI exit code
  [new UnknownTaskError([ID]), 'unknown_task', 'not_found', 404, 2],
  [new UnknownWorkflowError(ID, 'x', ['mastery']), 'unknown_workflow', 'input', 400, 2],
  [new InvalidTaskContextError(ID, [{ path: 'priority', message: 'too big' }]), 'invalid_task_context', 'input', 400, 2],
  [new NotPlainJsonError('metadata.at', 'a Date'), 'not_plain_json', 'input', 400, 2],
  [new InvalidSpawnMetadataError('an array'), 'invalid_spawn_metadata', 'input', 400, 2],
  [new PayloadTooLargeError(ID, 70_000, 65_536), 'payload_too_large', 'too_large', 413, 2],
  [new RelationNotLoadedError(ID, 'motivationalState'), 'relation_not_loaded', 'internal', 500, 1],
  [new DeadLetterNotFoundError(ID), 'dead_letter_not_found', 'not_found', 404, 2],
  [new RedriveRefusedError(ID, 'its job is still active'), 'redrive_refused', 'conflict', 409, 2],
  [new ConfigError('invalid configuration — X: bad'), 'invalid_configuration', 'input', 400, 2],
  [new UsageError('give one run id, or --all'), 'usage', 'input', 400, 2],
  [new InvalidPayloadError('unsupported payload version 99'), 'invalid_payload', 'unrecoverable', 500, 1],
  [new StalledTooOftenError(ID, 3, 2), 'stalled_too_often', 'unrecoverable', 500, 1],
  [new WorkflowUnrecoverableError('account deleted'), 'workflow_unrecoverable', 'unrecoverable', 500, 1],
  [new InvalidWorkflowError('w', 'no motivation type'), 'invalid_workflow', 'input', 400, 2],
  [new WorkflowTimeoutError('w', ID, 400), 'workflow_timeout', 'unavailable', 503, 1],
];

describe('the error catalogue', () => {
  it.each(catalogue)('%s: code, kind, HTTP status and exit code', (error, code, kind, status, exit) => {
    expect(isNyxError(error)).toBe(true);
    expect(error).toBeInstanceOf(NyxError);
    expect(error.name).toBe(error.constructor.name);
    expect(error).toMatchObject({ code, kind });
    expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    const api = toApiError(error);
    expect(api.statusCode).toBe(status);
    // The body names the code, except for bugs (their details stay in the log).
    expect(api.code).toBe(kind === 'internal' ? 'internal_error' : code);
    expect(exitCodeOf(error)).toBe(exit);
  });

  it('gives every class its own code', () => {
    const codes = catalogue.map(([, code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('keeps the base classes callers rely on', () => {
    expect(new InvalidPayloadError('x')).toBeInstanceOf(UnrecoverableError);
    expect(new InvalidWorkflowError('w', 'p')).toBeInstanceOf(TypeError);
    // A subclass check stays a prototype check: the symbol only answers for NyxError itself.
    expect(new UnknownTaskError([ID])).not.toBeInstanceOf(PayloadTooLargeError);
  });

  it('recognises a catalogue error from another copy of the library by its symbol, not its name', () => {
    const foreign = Object.assign(new Error('from another copy'), { [NYX_ERROR]: true, code: 'invalid_payload', kind: 'unrecoverable' });
    expect(foreign).toBeInstanceOf(NyxError);
    expect(isUnrecoverable(foreign)).toBe(true);
    expect(deadCauseOf(foreign, { attempts: 1, stalls: 0 }).code).toBe('invalid_payload');
    // A look-alike name without the symbol is not in the catalogue.
    const impostor = Object.assign(new Error('x'), { name: 'InvalidPayloadError' });
    expect(isNyxError(impostor)).toBe(false);
    expect(errorKind(impostor)).toBeNull();
    expect(isUnrecoverable(impostor)).toBe(false);
    expect(exitCodeOf(impostor)).toBe(1);
    expect(toApiError(impostor).statusCode).toBe(500);
  });

  it('classifies dead causes as data', () => {
    expect(deadCauseOf(new Error('boom'), { attempts: 3, stalls: 0 })).toEqual({ code: 'attempts_exhausted', attempts: 3, stalls: 0 });
    expect(deadCauseOf(new StalledTooOftenError(ID, 3, 2), { attempts: 0, stalls: 3 }).code).toBe('stalled_too_often');
    expect(deadCauseOf(new WorkflowUnrecoverableError('no'), { attempts: 1, stalls: 0 }).code).toBe('unrecoverable_error');
    expect(deadCauseOf(new UnrecoverableError('bullmq own'), { attempts: 1, stalls: 0 }).code).toBe('unrecoverable_error');
    // A timeout is retried: dead only once its attempts are used up.
    expect(isUnrecoverable(new WorkflowTimeoutError('w', ID, 400))).toBe(false);
    expect(deadCauseOf(new WorkflowTimeoutError('w', ID, 400), { attempts: 2, stalls: 0 }).code).toBe('attempts_exhausted');
  });
});
