/**
 * The graphile-worker peer's settings, as the author ran it:
 * graphile-worker 0.18 with concurrency 24 and a pool of 26 (concurrency + 2,
 * the documented advice), once with its defaults otherwise and once with its
 * documented batching options (https://worker.graphile.org/docs/performance#batching):
 * a local queue of 500 and batched completion/failure (delay 0).
 */
import type { RunnerOptions } from 'graphile-worker';

export type GraphileVariant = 'default' | 'batched';

export const GRAPHILE_TASK = 'nyx_bench_noop';
export const GRAPHILE_CONCURRENCY = 24;
export const GRAPHILE_POOL = 26;

export function graphileRunnerOptions(variant: GraphileVariant): Pick<RunnerOptions, 'concurrency' | 'maxPoolSize' | 'preset'> {
  return {
    concurrency: GRAPHILE_CONCURRENCY,
    maxPoolSize: GRAPHILE_POOL,
    preset: variant === 'batched' ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } : {},
  };
}

/** What the report says about a variant. */
export function describeGraphile(variant: GraphileVariant): string {
  return variant === 'batched'
    ? `graphile-worker 0.18, concurrency ${GRAPHILE_CONCURRENCY}, pool ${GRAPHILE_POOL}, localQueue.size 500, completeJobBatchDelay 0, failJobBatchDelay 0`
    : `graphile-worker 0.18, concurrency ${GRAPHILE_CONCURRENCY}, pool ${GRAPHILE_POOL}, no batching (its defaults)`;
}
