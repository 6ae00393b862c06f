/**
 * Which queues this worker consumes, each with its concurrency and rate
 * limit, from the worker's config. With `single` routing there is one queue
 * (key `workflows`); with `motivation` routing one per motivation type the
 * worker takes (NYX_WORKER_MOTIVATIONS, default every registered type).
 */
import type { WorkerConfig } from '../shared/config/config.js';
import { ConfigError } from '../shared/config/config-error.js';
import { WORKFLOW_QUEUE } from '../dto/queue-names.js';
import type { WorkflowRegistry } from './workflows/registry.js';

export interface WorkerQueueSpec {
  /** `workflows`, or a motivation type: the key of NYX_QUEUE_CONCURRENCY / NYX_QUEUE_RATE_LIMIT. */
  key: string;
  /** Motivation type to build the queue name from ('' with single routing). */
  motivationType: string;
  concurrency: number;
  limiter?: { max: number; duration: number };
}

export function planWorkerQueues(config: WorkerConfig, registry: WorkflowRegistry): WorkerQueueSpec[] {
  const spec = (key: string, motivationType: string): WorkerQueueSpec => {
    const limiter = config.queueRateLimit?.[key];
    return {
      key,
      motivationType,
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
  const known = registry.motivationTypes;
  const wanted = config.workerMotivations ?? known;
  const unknown = wanted.filter((type) => !known.includes(type));
  if (unknown.length > 0) {
    throw new ConfigError(`invalid configuration — NYX_WORKER_MOTIVATIONS: no workflow for ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  return wanted.map((type) => spec(type, type));
}
