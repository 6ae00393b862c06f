/** How the demo finds Redis: the URL given, a server on the default port, a private one, or a clear refusal. */
import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ensureRedis, freePort, RedisUnavailableError } from '../../../src/tools/demo/ensure-redis.js';

describe('ensureRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const handle = await ensureRedis('redis://127.0.0.1:6390');
    expect(handle).toMatchObject({ url: 'redis://127.0.0.1:6390', private: false });
  });

  it('starts a private redis-server when nothing answers on the default port, and stops it', async () => {
    const port = await freePort();
    const handle = await ensureRedis(undefined, { defaultPort: port });
    expect(handle.private).toBe(true);
    const client = new Redis(handle.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await handle.stop();
    const after = new Redis(handle.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    after.on('error', () => {});
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });

  it('stops with a message saying how to get Redis when there is no server to start', async () => {
    const port = await freePort();
    const attempt = ensureRedis(undefined, { defaultPort: port, redisServer: '/nonexistent/redis-server' });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(ensureRedis(undefined, { defaultPort: port, redisServer: '/nonexistent/redis-server' })).rejects.toThrow(
      /Set REDIS_URL=redis:\/\/host:port, start one on 127\.0\.0\.1:6379, or install redis-server/,
    );
  });
});
