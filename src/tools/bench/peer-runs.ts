/**
 * Reading the peers' run rows (`peer_run`): how many are finished (polled
 * once per 100 ms: one count over at most N rows, the same cost for every
 * peer), and, after the phase, the clocks of each row.
 */
import type pg from 'pg';
import type { PeerPhaseResult, PhaseName, ProgressFn } from './bench-types.js';
import type { CpuSeconds } from './cpu-usage.js';
import type { ProcessRss } from './process-rss.js';
import { maxOf } from './raw-bullmq.bench.js';
import { latencyStats, round, type LatencyStats } from './latency-stats.js';
import { waitUntil } from './wait-until.js';

export async function waitForFinishedRuns(
  client: pg.Client,
  peersSchema: string,
  total: number,
  deadline: number,
  progress: ProgressFn,
  what: string,
): Promise<void> {
  const sql = `select count(*)::int as n from "${peersSchema}".peer_run where finished_at is not null`;
  await waitUntil(
    deadline,
    100,
    async () => {
      const { rows } = await client.query<{ n: number }>(sql);
      const done = rows[0]!.n;
      progress(done, total);
      return done >= total;
    },
    what,
  );
}

export interface PeerRunTimes {
  spawnToStartMs: LatencyStats;
  spawnToRecordedMs: LatencyStats;
  /** Epoch ms of the last result written. */
  lastFinished: number;
  statuses: Record<string, number>;
}

export async function readPeerRunTimes(client: pg.Client, peersSchema: string): Promise<PeerRunTimes> {
  const { rows } = await client.query<{ e: string; s: string | null; f: string | null }>(
    `select (extract(epoch from enqueued_at) * 1000)::float8 as e, (extract(epoch from started_at) * 1000)::float8 as s, ` +
      `(extract(epoch from finished_at) * 1000)::float8 as f from "${peersSchema}".peer_run`,
  );
  const toStart: number[] = [];
  const toRecorded: number[] = [];
  let lastFinished = 0;
  for (const row of rows) {
    const e = Number(row.e);
    if (row.s !== null) toStart.push(Number(row.s) - e);
    if (row.f !== null) {
      const f = Number(row.f);
      toRecorded.push(f - e);
      if (f > lastFinished) lastFinished = f;
    }
  }
  const { rows: byStatus } = await client.query<{ status: string; n: number }>(
    `select status, count(*)::int as n from "${peersSchema}".peer_run group by status`,
  );
  return {
    spawnToStartMs: latencyStats(toStart),
    spawnToRecordedMs: latencyStats(toRecorded),
    lastFinished,
    statuses: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
  };
}

/** Runs `query` on `client`, counting the statements (BEGIN/COMMIT included), as the ORM's log counts nyx's. */
export function countingQuery(client: pg.Client): { query: (text: string, values?: unknown[]) => Promise<pg.QueryResult>; take: () => number } {
  let statements = 0;
  return {
    query: (text, values) => {
      statements += 1;
      return client.query(text, values);
    },
    take: () => {
      const n = statements;
      statements = 0;
      return n;
    },
  };
}

export interface PeerMeasurements {
  phase: PhaseName;
  description: string;
  jobs: number;
  /** Clock before the first spawn batch, and after the last one. */
  started: number;
  spawned: number;
  times: PeerRunTimes;
  cpuSeconds: CpuSeconds;
  rss: readonly ProcessRss[];
  sqlPerBatch: readonly number[];
  redisRoundTripsPerBatch: number;
}

/** A peer phase's report, from what it measured (the same fields for every peer). */
export function peerPhaseResult(m: PeerMeasurements): PeerPhaseResult {
  const completed = m.times.statuses.completed ?? 0;
  const durationMs = m.times.lastFinished - m.started;
  return {
    phase: m.phase,
    description: m.description,
    jobs: m.jobs,
    completed,
    durationMs: round(durationMs, 0),
    jobsPerSec: round((completed / durationMs) * 1000, 0),
    producerPerSec: round((m.jobs / Math.max(1, m.spawned - m.started)) * 1000, 0),
    spawnToStartMs: m.times.spawnToStartMs,
    spawnToRecordedMs: m.times.spawnToRecordedMs,
    redisRoundTripsPerBatch: m.redisRoundTripsPerBatch,
    cpuSeconds: m.cpuSeconds,
    workerRssMb: maxOf(m.rss.map((r) => r.rssMb)),
    workerPeakRssMb: maxOf(m.rss.map((r) => r.peakRssMb)),
    sqlPerBatch: round(m.sqlPerBatch.reduce((a, b) => a + b, 0) / m.sqlPerBatch.length),
    sqlPerBatchMin: Math.min(...m.sqlPerBatch),
    sqlPerBatchMax: Math.max(...m.sqlPerBatch),
    statuses: m.times.statuses,
  };
}
