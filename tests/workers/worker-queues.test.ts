/** Which queues a worker takes, with which concurrency and rate limit, from its config. */
import { describe, expect, it } from '@jest/globals';
import { loadWorkerConfig } from '../../src/shared/config/config.js';
import { ConfigError } from '../../src/shared/config/config-error.js';
import { planWorkerQueues } from '../../src/workers/worker-queues.js';
import { defaultRegistry } from '../../src/workers/workflows/registry.js';

const plan = (env: Record<string, string>) => planWorkerQueues(loadWorkerConfig(env), defaultRegistry);

describe('planWorkerQueues', () => {
  it('takes the one workflow queue by default', () => {
    expect(plan({ NYX_WORKER_CONCURRENCY: '7' })).toEqual([{ key: 'workflows', routeKey: '', concurrency: 7 }]);
  });

  it('takes one queue per registered motivation type with motivation routing', () => {
    expect(
      plan({ NYX_QUEUE_ROUTING: 'motivation' })
        .map((q) => q.key)
        .sort(),
    ).toEqual([...defaultRegistry.motivationTypes].sort());
  });

  it('takes a subset, with per-queue concurrency and rate limits', () => {
    expect(
      plan({
        NYX_QUEUE_ROUTING: 'motivation',
        NYX_WORKER_MOTIVATIONS: 'curiosity,mastery',
        NYX_WORKER_CONCURRENCY: '20',
        NYX_QUEUE_CONCURRENCY: 'mastery=2',
        NYX_QUEUE_RATE_LIMIT: 'curiosity=100/1000',
      }),
    ).toEqual([
      { key: 'curiosity', routeKey: 'curiosity', concurrency: 20, limiter: { max: 100, duration: 1000 } },
      { key: 'mastery', routeKey: 'mastery', concurrency: 2 },
    ]);
  });

  it('refuses a subset without motivation routing, and unknown types, naming them', () => {
    expect(() => plan({ NYX_WORKER_MOTIVATIONS: 'curiosity' })).toThrow(ConfigError);
    expect(() => plan({ NYX_WORKER_MOTIVATIONS: 'curiosity' })).toThrow('NYX_WORKER_MOTIVATIONS: needs NYX_QUEUE_ROUTING=motivation');
    expect(() => plan({ NYX_QUEUE_ROUTING: 'motivation', NYX_WORKER_MOTIVATIONS: 'curiosity,boredom' })).toThrow('no workflow for boredom (known: ');
  });

  it('rejects malformed per-queue settings with the variable named', () => {
    expect(() => loadWorkerConfig({ NYX_QUEUE_CONCURRENCY: 'mastery' })).toThrow('NYX_QUEUE_CONCURRENCY: "mastery" is not key=value');
    expect(() => loadWorkerConfig({ NYX_QUEUE_RATE_LIMIT: 'mastery=fast' })).toThrow('NYX_QUEUE_RATE_LIMIT: mastery: max/durationMs');
  });
});
