/** Configuration: parsed once, defaults filled in, bad values named with what was expected. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../src/shared/config/config-error.js';
import { loadConfig, loadWorkerConfig } from '../../../src/shared/config/config.js';

describe('loadConfig', () => {
  it('fills in documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      queuePrefix: 'nyx',
      workerConcurrency: 50,
      jobAttempts: 3,
      dataDir: 'memory',
      relayBatch: 500,
      maxPayloadBytes: 65_536,
    });
    expect(config.databaseUrl).toBeUndefined();
    // REDIS_URL unset: the default, and the demo can tell it was not set.
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.redisUrlSet).toBe(false);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', NYX_JOB_ATTEMPTS: '' }).jobAttempts).toBe(3);
  });

  it.each([
    ['NYX_WORKER_CONCURRENCY', 'lots', /NYX_WORKER_CONCURRENCY: .*number/],
    ['NYX_WORKER_CONCURRENCY', '0', /NYX_WORKER_CONCURRENCY: .*>=1/],
    ['NYX_JOB_ATTEMPTS', '2.5', /NYX_JOB_ATTEMPTS: .*int/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: "localhost:6379": expected redis:\/\/host:port, redis\+cluster:\/\/h1:p1,h2:p2 or redis\+sentinel/],
    ['REDIS_URL', 'redis+sentinel://127.0.0.1:26379', /a sentinel URL ends with \/<primary name>/],
    ['REDIS_URL', 'redis+cluster://127.0.0.1:99999', /port 99999 is out of range/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: a postgresql:\/\/ URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: .*"info"/],
    ['NYX_QUEUE_PREFIX', 'has space', /NYX_QUEUE_PREFIX: letters, digits/],
  ])('rejects %s=%s, naming the variable and what was expected', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ NYX_JOB_ATTEMPTS: 'x', NYX_BACKOFF_MS: '-1' })).toThrow(/NYX_JOB_ATTEMPTS: .*; NYX_BACKOFF_MS: /);
  });

  it('gives workers a config without database settings', () => {
    const config = loadWorkerConfig({ DATABASE_URL: 'postgresql://ignored', REDIS_URL: 'redis://127.0.0.1:6400' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6400');
    expect('databaseUrl' in config).toBe(false);
  });
});

describe('a bad variable stops a process at start', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('nyx migrate exits 2 with a one-line reason', () => {
    const result = run(['src/cli.ts', 'migrate'], { DATABASE_URL: 'not-a-url' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^nyx: invalid configuration — DATABASE_URL: a postgresql:\/\/ URL/);
  });

  it('a worker process exits 2 before connecting anywhere', () => {
    const result = run(['src/workers/main.ts'], { NYX_WORKER_CONCURRENCY: 'many' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('NYX_WORKER_CONCURRENCY');
  });
});
