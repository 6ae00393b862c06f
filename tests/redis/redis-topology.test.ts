/** REDIS_URL forms, hash-tagged prefixes on a cluster, and passwords kept out of messages. */
import { describe, expect, it } from '@jest/globals';
import { effectivePrefix, InvalidRedisUrlError, parseRedisUrl } from '../../src/redis/redis-topology.js';

describe('parseRedisUrl', () => {
  it('reads one server', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379/2' });
  });

  it('reads a cluster seed list with credentials', () => {
    expect(parseRedisUrl('redis+cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2,[::1]:7002')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: 'app',
      password: 's@cret',
      tls: false,
    });
  });

  it('reads sentinels and the primary name', () => {
    expect(parseRedisUrl('redis+sentinel://s1:26380,s2/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26380 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
    });
  });

  it('never repeats a password in its error', () => {
    expect(() => parseRedisUrl('redis+sentinel://u:hunter2@s1:1')).toThrow(InvalidRedisUrlError);
    expect(() => parseRedisUrl('redis+sentinel://u:hunter2@s1:1')).toThrow('"redis+sentinel://u:***@s1:1"');
  });
});

describe('effectivePrefix', () => {
  it('hash-tags the prefix on a cluster only, once', () => {
    const cluster = parseRedisUrl('redis+cluster://127.0.0.1:7000');
    expect(effectivePrefix('nyx', cluster)).toBe('{nyx}');
    expect(effectivePrefix('{nyx}', cluster)).toBe('{nyx}');
    expect(effectivePrefix('nyx', parseRedisUrl('redis://127.0.0.1:6379'))).toBe('nyx');
  });
});
