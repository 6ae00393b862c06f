import { describe, expect, it } from '@jest/globals';
import { createJobDataFormatter, REDACTED } from '../../../src/control-plane/api/dashboard/redact-job-data.js';

describe('createJobDataFormatter', () => {
  const format = createJobDataFormatter({ paths: ['data.metadata.apiKey', 'data.*.password', 'tokens.*'], maxStringLength: 10, maxArrayItems: 3 });

  it('redacts exact paths and wildcard segments, nothing else', () => {
    const data = { data: { metadata: { apiKey: 'k', other: 'o' }, login: { password: 'p', user: 'u' } }, tokens: ['a', 'b'], apiKey: 'top-level stays' };
    expect(format(data)).toEqual({
      data: { metadata: { apiKey: REDACTED, other: 'o' }, login: { password: REDACTED, user: 'u' } },
      tokens: [REDACTED, REDACTED],
      apiKey: 'top-level …' + ' [truncated: 15 characters]',
    });
  });

  it('redacts a whole subtree when the path names an object', () => {
    expect(createJobDataFormatter({ paths: ['data.metadata'], maxStringLength: 100 })({ data: { metadata: { deep: { x: 1 } }, v: 2 } })).toEqual({
      data: { metadata: REDACTED, v: 2 },
    });
  });

  it('truncates long strings and long arrays, and stops at a depth', () => {
    expect(format({ s: 'abcdefghijklmnop', list: [1, 2, 3, 4, 5] })).toEqual({
      s: 'abcdefghij… [truncated: 16 characters]',
      list: [1, 2, 3, '… [2 more items]'],
    });
    const deep = createJobDataFormatter({ paths: [], maxStringLength: 100, maxDepth: 2 })({ a: { b: { c: 1 } } });
    expect(deep).toEqual({ a: { b: '[too deep to show]' } });
  });

  it('leaves the input untouched and passes scalars through', () => {
    const data = { data: { metadata: { apiKey: 'secret' } } };
    format(data);
    expect(data.data.metadata.apiKey).toBe('secret');
    expect(format(null)).toBeNull();
    expect(format(42)).toBe(42);
  });
});
