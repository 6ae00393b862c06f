/**
 * The benchmark's report: one object (written as JSON to bench/out/ and, with
 * --json, printed as the last line) and its table form.
 */
import { terminalTable } from '../../cli/terminal-table.js';
import type { BenchMachine } from './bench-machine.js';
import type { CpuSeconds } from './cpu-usage.js';
import type { FullPhaseResult, PhaseResult } from './bench-types.js';
import type { LatencyStats } from './latency-stats.js';

export interface BenchSettings {
  tasks: number;
  workers: number;
  concurrency: number;
  /** Tasks per spawn call (B) and jobs per addBulk (A). */
  batchSize: number;
  relayBatch: number;
  recorderBatch: number;
  idleSamples: number;
  database: 'throwaway' | 'DATABASE_URL';
  /** The database the bench used (dropped afterwards when throwaway). */
  databaseName: string;
  /** The Redis key prefix the bench used (every key under it deleted afterwards). */
  redisPrefix: string;
}

export interface BenchReport {
  startedAt: string;
  machine: BenchMachine;
  settings: BenchSettings;
  raw: PhaseResult;
  full: FullPhaseResult;
  /** full.jobsPerSec / raw.jobsPerSec. */
  ratio: number;
  /** Largest resident memory of a real nyx worker process at the end of phase B, in MB. */
  workerRssMb: number | null;
  /** Resident memory of this process (control plane: ORM, relay, recorder, and the bench itself) at the end of phase B, in MB. */
  controlPlaneRssMb: number | null;
  controlPlanePeakRssMb: number | null;
}

const ms = (value: number) => `${value} ms`;
const pair = (stats: LatencyStats) => `${ms(stats.p50)} / ${ms(stats.p99)}`;
const mb = (value: number | null) => (value === null ? 'n/a' : `${value} MB`);
const cpu = (c: CpuSeconds) => [c.controlPlane, c.workers, c.redis, c.postgres].map((v) => (v === null ? 'n/a' : `${v}`)).join(' / ');

export function formatBenchReport(report: BenchReport): string {
  const { raw, full, settings, machine } = report;
  const table = terminalTable(['', 'A: raw BullMQ', 'B: full path', 'B/A']);
  table.push(
    ['throughput (first add/spawn → last done)', `${raw.jobsPerSec} jobs/s`, `${full.jobsPerSec} runs/s`, report.ratio.toFixed(2)],
    ['producer alone (addBulk / spawn)', `${raw.producerPerSec} jobs/s`, `${full.producerPerSec} tasks/s`, ''],
    ['spawn → start p50 / p99', pair(raw.spawnToStartMs), pair(full.spawnToStartMs), ''],
    ['spawn → recorded p50 / p99', pair(raw.spawnToRecordedMs), pair(full.spawnToRecordedMs), ''],
    ['idle single spawn → start p50 / p99', '', pair(full.idle.spawnToStartMs), ''],
    ['idle single spawn → recorded p50 / p99', '', pair(full.idle.spawnToRecordedMs), ''],
    [
      `SQL statements per spawn (${settings.batchSize} tasks / 1 task)`,
      '—',
      `${full.sqlPerBatch} (${full.sqlPerBatchMin}–${full.sqlPerBatchMax}) / ${full.idle.sqlPerSpawn}`,
      '',
    ],
    [`Redis round trips to enqueue ${settings.batchSize} (addBulk / relay)`, `${raw.redisRoundTripsPerBatch}`, `${full.redisRoundTripsPerBatch}`, ''],
    [`Redis round trips of the recorder per ${settings.batchSize} results`, '', `${full.recorderRoundTripsPerBatch}`, ''],
    ['CPU s: bench process / workers / Redis / PostgreSQL', cpu(raw.cpuSeconds), cpu(full.cpuSeconds), ''],
    ['spawn → relayed, finished → recorded p50 / p99', '', `${pair(full.spawnToRelayedMs)}, ${pair(full.finishedToRecordedMs)}`, ''],
    [`outcomes per recorder commit (mean / max)`, '', `${full.recorderBatch.mean} / ${full.recorderBatch.max}`, ''],
    ...(['underLoad', 'idle'] as const).map((when) => {
      const pass = full.reconciler[when];
      return [
        `reconciler pass ${when === 'idle' ? 'idle' : 'under load'}: runs checked, SQL, Redis round trips, ms`,
        '',
        `${pass.checked}, ${pass.statements}, ${pass.redisRoundTrips}, ${pass.durationMs}`,
        '',
      ];
    }),
    ['worker process RSS (now / peak)', `${mb(raw.workerRssMb)} / ${mb(raw.workerPeakRssMb)}`, `${mb(full.workerRssMb)} / ${mb(full.workerPeakRssMb)}`, ''],
    ['control plane RSS (now / peak)', '', `${mb(report.controlPlaneRssMb)} / ${mb(report.controlPlanePeakRssMb)}`, ''],
    ['completed', `${raw.completed}/${raw.jobs}`, `${full.completed}/${full.jobs}`, ''],
  );
  const setup =
    `${settings.tasks} tasks, ${settings.workers} worker processes × concurrency ${settings.concurrency}, ` +
    `spawn/addBulk batches of ${settings.batchSize}, relay batch ${settings.relayBatch}, recorder batch ${settings.recorderBatch}`;
  const host = `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgresql}, Redis ${machine.redis}, load average ${machine.loadAverage} at start`;
  return `${table.toString()}\n${setup}\n${host}`;
}
