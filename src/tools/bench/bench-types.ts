/** What one phase of the benchmark measured (see bench-report.ts for the whole report). */
import type { CpuSeconds } from './cpu-usage.js';
import type { LatencyStats } from './latency-stats.js';

/** Reports how far a phase got; the progress display listens. */
export type ProgressFn = (done: number, total: number) => void;

export interface PhaseResult {
  /** Jobs (A) or tasks (B) sent. */
  jobs: number;
  /** Of those, finished: completed in BullMQ (A), recorded as completed in workflow_run (B). */
  completed: number;
  /** First add/spawn to the last completion/recording, in ms. */
  durationMs: number;
  /** completed / durationMs. */
  jobsPerSec: number;
  /** Jobs (A) or tasks (B) handed to BullMQ / spawn per second while the producer ran alone. */
  producerPerSec: number;
  /** Add (A) / spawn (B) until a worker took the job (BullMQ processedOn). */
  spawnToStartMs: LatencyStats;
  /** Add (A) / spawn (B) until completed in Redis (A) / the recorder committed the result (B). */
  spawnToRecordedMs: LatencyStats;
  /**
   * Redis round trips that put one batch of `batchSize` jobs into BullMQ: A's
   * addBulk; B's relay (spawn itself sends nothing to Redis — it writes the
   * outbox — so this is what a spawn batch costs in Redis).
   */
  redisRoundTripsPerBatch: number;
  /** CPU seconds each party spent from the first add/spawn to the last completion/recording. */
  cpuSeconds: CpuSeconds;
  /** Largest VmRSS among the worker processes at the end of the phase, in MB. */
  workerRssMb: number | null;
  /** Largest VmHWM (peak) among the worker processes, in MB. */
  workerPeakRssMb: number | null;
  /** RSS of the bench process (the producer; in B the whole control plane) at the end of the phase, in MB. */
  benchRssMb?: number | null;
}

export interface IdleLatency {
  samples: number;
  /** One task spawned in its own transaction; only NOTIFY wakes the relay. */
  spawnToStartMs: LatencyStats;
  spawnToRecordedMs: LatencyStats;
  /** SQL statements of one single-task spawn (compare with sqlPerBatch: the same means constant). */
  sqlPerSpawn: number;
}

/** One reconciler pass (run-reconciler.ts), looking at every run PostgreSQL says is in Redis. */
export interface ReconcileCost {
  /** Runs whose job was looked up. */
  checked: number;
  /** Runs sent again (0 here: nothing was lost). */
  resent: number;
  /** SQL statements of the pass, counted from the ORM's log (BEGIN/COMMIT included). */
  statements: number;
  /** Redis round trips of the pass (pipelines; counted by the reconciler). */
  redisRoundTrips: number;
  durationMs: number;
}

export interface FullPhaseResult extends PhaseResult {
  /** The reconciler's cost: with every spawned run in Redis (under load), and with none (idle). */
  reconciler: { underLoad: ReconcileCost; idle: ReconcileCost };
  /** SQL statements per spawn call of `batchSize` tasks (mean; min and max show it is constant). */
  sqlPerBatch: number;
  sqlPerBatchMin: number;
  sqlPerBatchMax: number;
  /** The rest of the control plane's round trips (the recorder taking result jobs), per `batchSize` results. */
  recorderRoundTripsPerBatch: number;
  /** Where the time goes, p50/p99: spawn → relayed into BullMQ (the job's timestamp), and finished in the worker → recorded. */
  spawnToRelayedMs: LatencyStats;
  finishedToRecordedMs: LatencyStats;
  /** Outcomes per recorder commit: how full group commit gets. */
  recorderBatch: { commits: number; mean: number; max: number };
  /** Runs by final status in workflow_run after the phase. */
  statuses: Record<string, number>;
  idle: IdleLatency;
}

/** The phases one bench run can hold, in the order they run (A, B, then the peers). */
export const PHASES = ['A', 'B', 'G-default', 'G-batched', 'H'] as const;
export type PhaseName = (typeof PHASES)[number];
export const PEER_PHASES: readonly PhaseName[] = ['G-default', 'G-batched', 'H'];

/**
 * A peer doing the same end-to-end work as B from the same seeded task rows
 * (graphile-worker, or BullMQ + MikroORM glued by hand), with its run rows
 * in `peer_run`. Its clocks: "spawn" is the producer's clock before each
 * batch (stored as the row's enqueued_at), "start" the worker's clock when
 * the task began, "recorded" PostgreSQL's clock when the result UPDATE ran.
 */
export interface PeerPhaseResult extends PhaseResult {
  phase: PhaseName;
  /** What ran, with its settings. */
  description: string;
  /** Statements of one spawn batch of `batchSize` tasks (BEGIN/COMMIT included), mean, min and max. */
  sqlPerBatch: number;
  sqlPerBatchMin: number;
  sqlPerBatchMax: number;
  /** Runs by final status in peer_run after the phase. */
  statuses: Record<string, number>;
}

/** CPU microseconds each party spent per completed run (cpuSeconds / completed). */
export interface CpuMicrosPerRun {
  controlPlane: number | null;
  workers: number | null;
  redis: number | null;
  postgres: number | null;
  total: number | null;
}

export function cpuMicrosPerRun(phase: Pick<PhaseResult, 'cpuSeconds' | 'completed'>): CpuMicrosPerRun {
  const per = (seconds: number | null) => (seconds === null || phase.completed === 0 ? null : Math.round((seconds * 1e6) / phase.completed));
  const c = phase.cpuSeconds;
  const parts = [c.controlPlane, c.workers, c.redis, c.postgres];
  const total = parts.every((v) => v !== null) ? parts.reduce<number>((sum, v) => sum + v, 0) : null;
  return { controlPlane: per(c.controlPlane), workers: per(c.workers), redis: per(c.redis), postgres: per(c.postgres), total: per(total) };
}
