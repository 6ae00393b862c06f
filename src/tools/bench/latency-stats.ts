/**
 * Percentiles of a set of latencies, in ms. Nearest-rank on the sorted
 * samples: p99 of 20,000 samples is the 19,800th, a value that was really
 * observed (no interpolation between two runs).
 */
export interface LatencyStats {
  /** How many samples. */
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sum / sorted.length),
  };
}

/** Two decimals: enough for sub-millisecond idle latencies, short in JSON. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
