/**
 * Which queues this worker consumes, each with its concurrency and rate
 * limit, from the worker's config. With `single` routing there is one queue
 * (key `workflows`); with `motivation` routing one per route key the worker
 * takes (NYX_WORKER_MOTIVATIONS, default every registered route of every contract).
 */
import type { WorkerConfig } from '../shared/config/config.js';
import { ConfigError } from '../shared/config/config-error.js';
import { WORKFLOW_QUEUE } from '../dto/queue-names.js';
import type { WorkflowRegistry } from './workflows/registry.js';

export interface WorkerQueueSpec {
  /** `workflows`, or a route's queue key: the key of NYX_QUEUE_CONCURRENCY / NYX_QUEUE_RATE_LIMIT. */
  key: string;
  /** Queue key to build the queue name from (a motivation type, `<contract>.<route>`; '' with single routing). */
  routeKey: string;
  concurrency: number;
  limiter?: { max: number; duration: number };
}

export function planWorkerQueues(config: WorkerConfig, registry: WorkflowRegistry): WorkerQueueSpec[] {
  const spec = (key: string, routeKey: string): WorkerQueueSpec => {
    const limiter = config.queueRateLimit?.[key];
    return {
      key,
      routeKey,
      concurrency: config.queueConcurrency?.[key] ?? config.workerConcurrency,
      ...(limiter ? { limiter } : {}),
    };
  };
  if (config.queueRouting === 'single') {
    if (config.workerMotivations) {
      throw new ConfigError('invalid configuration — NYX_WORKER_MOTIVATIONS: needs NYX_QUEUE_ROUTING=motivation (with one queue a worker takes every job)');
    }
    return [spec(WORKFLOW_QUEUE, '')];
  }
  const known = registry.routes.map((route) => route.queueKey);
  const wanted = config.workerMotivations ?? known;
  const unknown = wanted.filter((type) => !known.includes(type));
  if (unknown.length > 0) {
    throw new ConfigError(`invalid configuration — NYX_WORKER_MOTIVATIONS: no workflow for ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  return wanted.map((type) => spec(type, type));
}
