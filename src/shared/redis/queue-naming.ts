/**
 * Which queue a job goes to, and under which prefix — decided in one place,
 * because the relay, the workers and the recorder must agree.
 *
 * Routing `single` (default): every workflow job goes to `workflows`.
 * Routing `motivation`: one queue per route key — a motivation type
 * (`workflows-curiosity`) or another contract's `<namespace>.<route>`
 * (`workflows-invoice.reminder`) —, so a worker can take only some types, with its own concurrency and rate
 * limit per queue.
 *
 * On a Redis Cluster BullMQ needs every key of a queue in one slot. With
 * `single` routing the prefix carries the hash tag (`{nyx}:workflows:…`): all
 * queues share one slot. With `motivation` routing each queue name carries its
 * own tag instead (`nyx:{workflows-curiosity}:…`), so the queues spread over
 * the cluster's masters — the way to grow past one slot.
 */
import { DEAD_LETTER_QUEUE, RESULTS_QUEUE, WORKFLOW_QUEUE } from '../../dto/queue-names.js';
import type { RedisTopology } from './redis-topology.js';

export type QueueRouting = 'single' | 'motivation';

export interface QueueNaming {
  prefix: string;
  routing: QueueRouting;
  /** The queue of a route's queue key (`contract.queueKey(route)`). */
  workflowQueue(routeKey: string): string;
  resultsQueue: string;
  deadLetterQueue: string;
}

export function queueNaming(prefix: string, topology: RedisTopology, routing: QueueRouting = 'single'): QueueNaming {
  const onCluster = topology.kind === 'cluster';
  const tagQueues = onCluster && routing === 'motivation';
  const tag = (name: string) => (tagQueues ? `{${name}}` : name);
  const taggedPrefix = onCluster && !tagQueues && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
  return {
    prefix: taggedPrefix,
    routing,
    workflowQueue: (routeKey) => tag(routing === 'motivation' ? `${WORKFLOW_QUEUE}-${routeKey}` : WORKFLOW_QUEUE),
    resultsQueue: tag(RESULTS_QUEUE),
    deadLetterQueue: tag(DEAD_LETTER_QUEUE),
  };
}
