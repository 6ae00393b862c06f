import { describe, expect, it } from '@jest/globals';
import { failureReason } from '../../src/metrics/failure-reason.js';

describe('failureReason', () => {
  it('final failures: the dead reason without details, as a label', () => {
    expect(failureReason({ final: true, deadReason: 'attempts exhausted (3)', error: 'Error: boom' })).toBe('attempts_exhausted');
    expect(failureReason({ final: true, deadReason: 'invalid payload', error: 'x' })).toBe('invalid_payload');
    expect(failureReason({ final: true, deadReason: 'unrecoverable error', error: 'x' })).toBe('unrecoverable_error');
  });

  it('retried attempts: the error class, never the message (no ids in labels)', () => {
    expect(failureReason({ final: false, deadReason: null, error: 'TimeoutError: run 1b2c… took too long' })).toBe('timeouterror');
    expect(failureReason({ final: false, deadReason: null, error: 'Error' })).toBe('error');
    expect(failureReason({ final: false, deadReason: null, error: 'something odd happened: 42' })).toBe('error');
  });
});
