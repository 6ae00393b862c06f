import { describe, expect, it } from '@jest/globals';
import { failureReason } from '../../../src/control-plane/metrics/failure-reason.js';

const dead = (code: 'attempts_exhausted' | 'invalid_payload' | 'unrecoverable_error', attempts = 3) => ({ code, attempts, stalls: 0 });

describe('failureReason', () => {
  it('final failures: the dead reason without details, as a label', () => {
    expect(failureReason({ final: true, deadCause: dead('attempts_exhausted'), errorName: 'Error' })).toBe('attempts_exhausted');
    expect(failureReason({ final: true, deadCause: dead('invalid_payload', 1), errorName: 'invalid_payload' })).toBe('invalid_payload');
    expect(failureReason({ final: true, deadCause: dead('unrecoverable_error', 1), errorName: 'workflow_unrecoverable' })).toBe('unrecoverable_error');
    // A worker older than deadCause: still one label, never the message.
    expect(failureReason({ final: true })).toBe('dead');
  });

  it('retried attempts: the error class, never the message (no ids in labels)', () => {
    expect(failureReason({ final: false, deadCause: null, errorName: 'TimeoutError' })).toBe('timeouterror');
    expect(failureReason({ final: false, deadCause: null, errorName: 'Error' })).toBe('error');
    expect(failureReason({ final: false, deadCause: null })).toBe('error');
  });
});
