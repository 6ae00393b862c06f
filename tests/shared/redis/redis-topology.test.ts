/** REDIS_URL forms, hash-tagged prefixes on a cluster, and passwords kept out of messages. */
import { describe, expect, it } from '@jest/globals';
import { queueNaming } from '../../../src/shared/redis/queue-naming.js';
import { InvalidRedisUrlError, parseRedisUrl } from '../../../src/shared/redis/redis-topology.js';

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

describe('queueNaming', () => {
  const cluster = parseRedisUrl('redis+cluster://127.0.0.1:7000');
  const single = parseRedisUrl('redis://127.0.0.1:6379');

  it('uses plain names off a cluster, one workflow queue or one per motivation', () => {
    expect(queueNaming('nyx', single)).toMatchObject({ prefix: 'nyx', resultsQueue: 'results', deadLetterQueue: 'dead-letters' });
    expect(queueNaming('nyx', single).workflowQueue('curiosity')).toBe('workflows');
    expect(queueNaming('nyx', single, 'motivation').workflowQueue('curiosity')).toBe('workflows-curiosity');
  });

  it('hash-tags the prefix on a cluster with one workflow queue (one slot), once', () => {
    expect(queueNaming('nyx', cluster).prefix).toBe('{nyx}');
    expect(queueNaming('{nyx}', cluster).prefix).toBe('{nyx}');
    expect(queueNaming('nyx', cluster).workflowQueue('mastery')).toBe('workflows');
  });

  it('hash-tags each queue instead when routing by motivation, so queues spread over slots', () => {
    const naming = queueNaming('nyx', cluster, 'motivation');
    expect(naming.prefix).toBe('nyx');
    expect(naming.workflowQueue('mastery')).toBe('{workflows-mastery}');
    expect(naming.resultsQueue).toBe('{results}');
  });
});
