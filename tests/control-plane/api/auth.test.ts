import { describe, expect, it } from '@jest/globals';
import { presentedSecret, tokenMatches } from '../../../src/control-plane/api/auth.js';
import { assertSafeBind } from '../../../src/control-plane/api/assert-safe-bind.js';

describe('presentedSecret', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('reads a bearer token, and a basic-auth password only where basic is allowed', () => {
    expect(presentedSecret('Bearer abc', false)).toBe('abc');
    expect(presentedSecret('bearer abc', false)).toBe('abc');
    expect(presentedSecret(`Basic ${b64('user:pa:ss')}`, true)).toBe('pa:ss');
    expect(presentedSecret(`Basic ${b64('user:pass')}`, false)).toBeNull();
    expect(presentedSecret(`Basic ${b64('no-colon')}`, true)).toBeNull();
    expect(presentedSecret(undefined, true)).toBeNull();
    expect(presentedSecret('Bearer', true)).toBeNull();
    expect(presentedSecret('Token abc', true)).toBeNull();
  });

  it('compares tokens exactly, whatever their lengths', () => {
    expect(tokenMatches('same-token', 'same-token')).toBe(true);
    expect(tokenMatches('same-token', 'same-token-longer')).toBe(false);
    expect(tokenMatches('', 'x')).toBe(false);
  });
});

describe('assertSafeBind', () => {
  it('allows loopback without a token and anything with one', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', 'LOCALHOST']) expect(() => assertSafeBind(host, undefined)).not.toThrow();
    expect(() => assertSafeBind('0.0.0.0', 'a-token-of-sixteen+')).not.toThrow();
  });

  it('refuses anything else without a token, naming the host and the fix', () => {
    expect(() => assertSafeBind('0.0.0.0', undefined)).toThrow(/refusing to listen on HOST=0\.0\.0\.0 without NYX_ADMIN_TOKEN/);
    expect(() => assertSafeBind('127.0.0.2', undefined)).toThrow(/Set NYX_ADMIN_TOKEN/);
  });
});
