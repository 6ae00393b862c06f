/**
 * The benchmark's report: one object (written as JSON to bench/out/ and, with
 * --json, printed as the last line) and its table form.
 */
import { terminalTable } from '../../cli/terminal-table.js';
import type { BenchMachine } from './bench-machine.js';
import type { CpuSeconds } from './cpu-usage.js';
import {
  cpuMicrosPerRun,
  PEER_PHASES,
  PHASES,
  type CpuMicrosPerRun,
  type FullPhaseResult,
  type PeerPhaseResult,
  type PhaseName,
  type PhaseResult,
} from './bench-types.js';
import { round, type LatencyStats } from './latency-stats.js';
import type { ProcessRss } from './process-rss.js';

export interface BenchSettings {
  tasks: number;
  workers: number;
  concurrency: number;
  /** Tasks per spawn call (B and the peers) and jobs per addBulk (A). */
  batchSize: number;
  relayBatch: number;
  recorderBatch: number;
  idleSamples: number;
  database: 'throwaway' | 'DATABASE_URL';
  /** The database the bench used (dropped afterwards when throwaway). */
  databaseName: string;
  /** The Redis key prefix the bench used (every key under it deleted afterwards). */
  redisPrefix: string;
  /** The phases that ran, in order, in each repetition. */
  phases: PhaseName[];
  repeat: number;
}

/** A phase asked for that could not run, and why. */
export interface SkippedPhase {
  phase: PhaseName;
  reason: string;
}

/** One pass over the phases. */
export interface Repetition {
  A?: PhaseResult;
  B?: FullPhaseResult;
  'G-default'?: PeerPhaseResult;
  'G-batched'?: PeerPhaseResult;
  H?: PeerPhaseResult;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** One value per repetition, in order. */
  values: number[];
}

/** A phase over every repetition. */
export interface PhaseSummary {
  phase: PhaseName;
  runs: number;
  jobsPerSec: Spread;
  /** B's throughput over this phase's, per repetition (the same sitting); null without B. */
  bOver: Spread | null;
  /** CPU µs per completed run, per party, of the median repetition (by throughput). */
  cpuMicrosPerRun: CpuMicrosPerRun;
  /** Statements per spawn/addBulk batch of the median repetition (A: none; B: the ORM's log). */
  sqlPerBatch: number | null;
  redisRoundTripsPerBatch: number;
  workerRssMb: number | null;
  workerPeakRssMb: number | null;
  /** The bench process at the end of the phase (producer; B: the control plane). */
  benchRssMb: number | null;
  completed: number;
  jobs: number;
}

export interface BenchReport {
  startedAt: string;
  machine: BenchMachine;
  settings: BenchSettings;
  /** Phase A of the median repetition (by A's throughput); null when A did not run. */
  raw: PhaseResult | null;
  /** Phase B of the median repetition (by B's throughput); null when B did not run. */
  full: FullPhaseResult | null;
  /** The peers, each of its median repetition. */
  peers: PeerPhaseResult[];
  /** Median over repetitions of B/A in the same repetition; null without both. */
  ratio: number | null;
  /** Per phase: median, spread, CPU per run, statements, round trips, RSS. */
  summary: PhaseSummary[];
  /** Phases asked for that could not run. */
  skipped: SkippedPhase[];
  /** Every repetition in full, when there was more than one. */
  repetitions?: Repetition[];
  /** Largest resident memory of a real nyx worker process at the end of phase B, in MB. */
  workerRssMb: number | null;
  /** Resident memory of this process (control plane: ORM, relay, recorder, and the bench itself) at the end of the first phase B, in MB. */
  controlPlaneRssMb: number | null;
  /** The process's peak so far at that moment (resourceUsage().maxRSS): with A before B, A's prepared jobs count too. */
  controlPlanePeakRssMb: number | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

/** The repetition whose throughput is the (lower) median. */
function medianRun<T extends PhaseResult>(runs: readonly T[]): T {
  const m = median(runs.map((r) => r.jobsPerSec));
  return runs.find((r) => r.jobsPerSec === m)!;
}

export function buildBenchReport(input: {
  startedAt: Date;
  machine: BenchMachine;
  settings: BenchSettings;
  repetitions: Repetition[];
  controlPlane: ProcessRss;
  skipped: SkippedPhase[];
}): BenchReport {
  const { repetitions } = input;
  const summary: PhaseSummary[] = [];
  const medians: Partial<Record<PhaseName, PhaseResult>> = {};
  for (const phase of PHASES) {
    const runs = repetitions.map((rep) => rep[phase]).filter((r): r is PhaseResult => r !== undefined);
    if (runs.length === 0) continue;
    const mid = medianRun(runs);
    medians[phase] = mid;
    const ratios = repetitions.flatMap((rep) => (rep.B && rep[phase] ? [round(rep.B.jobsPerSec / rep[phase].jobsPerSec, 3)] : []));
    summary.push({
      phase,
      runs: runs.length,
      jobsPerSec: spread(runs.map((r) => r.jobsPerSec)),
      bOver: phase !== 'B' && ratios.length > 0 ? spread(ratios) : null,
      cpuMicrosPerRun: cpuMicrosPerRun(mid),
      sqlPerBatch: 'sqlPerBatch' in mid ? (mid.sqlPerBatch as number) : null,
      redisRoundTripsPerBatch: mid.redisRoundTripsPerBatch,
      workerRssMb: mid.workerRssMb,
      workerPeakRssMb: mid.workerPeakRssMb,
      benchRssMb: mid.benchRssMb ?? null,
      completed: mid.completed,
      jobs: mid.jobs,
    });
  }
  const full = (medians.B as FullPhaseResult | undefined) ?? null;
  const bOverA = summary.find((s) => s.phase === 'A')?.bOver ?? null;
  return {
    startedAt: input.startedAt.toISOString(),
    machine: input.machine,
    settings: input.settings,
    raw: medians.A ?? null,
    full,
    peers: PEER_PHASES.flatMap((phase) => (medians[phase] ? [medians[phase] as PeerPhaseResult] : [])),
    ratio: bOverA ? bOverA.median : null,
    summary,
    skipped: input.skipped,
    ...(repetitions.length > 1 ? { repetitions } : {}),
    workerRssMb: full?.workerRssMb ?? null,
    controlPlaneRssMb: input.controlPlane.rssMb,
    controlPlanePeakRssMb: input.controlPlane.peakRssMb,
  };
}

const ms = (value: number) => `${value} ms`;
const pair = (stats: LatencyStats) => `${ms(stats.p50)} / ${ms(stats.p99)}`;
const mb = (value: number | null) => (value === null ? 'n/a' : `${value} MB`);
const cpu = (c: CpuSeconds) => [c.controlPlane, c.workers, c.redis, c.postgres].map((v) => (v === null ? 'n/a' : `${v}`)).join(' / ');

const n = (value: number | null) => (value === null ? 'n/a' : `${value}`);
const range = (s: Spread | null, digits = 0) =>
  s === null ? '' : s.values.length > 1 ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : s.median.toFixed(digits);

/** The table of every phase side by side: what the issue asks to compare. */
export function formatPhaseSummary(report: BenchReport): string {
  const table = terminalTable([
    'phase',
    'runs/s',
    'B/phase',
    'CPU µs/run: bench / workers / Redis / PostgreSQL (total)',
    'spawn → start p50 / p99',
    'SQL / Redis round trips per batch',
    'RSS MB: worker (peak) / bench',
  ]);
  const byPhase = new Map<PhaseName, PhaseResult>([
    ...(report.raw ? [['A', report.raw] as const] : []),
    ...(report.full ? [['B', report.full] as const] : []),
    ...report.peers.map((p) => [p.phase, p] as const),
  ]);
  for (const s of report.summary) {
    const c = s.cpuMicrosPerRun;
    const phase = byPhase.get(s.phase);
    table.push([
      s.phase,
      range(s.jobsPerSec),
      s.phase === 'B' ? '1' : range(s.bOver, 2),
      `${[c.controlPlane, c.workers, c.redis, c.postgres].map(n).join(' / ')} (${n(c.total)})`,
      phase ? pair(phase.spawnToStartMs) : '',
      `${s.sqlPerBatch ?? '—'} / ${s.redisRoundTripsPerBatch}`,
      `${mb(s.workerRssMb)} (${mb(s.workerPeakRssMb)}) / ${mb(s.benchRssMb)}`,
    ]);
  }
  return table.toString();
}

export function formatBenchReport(report: BenchReport): string {
  const { settings, machine } = report;
  const parts: string[] = [];
  if (report.raw && report.full) parts.push(formatAgainstRaw(report, report.raw, report.full));
  else if (report.full) {
    const full = report.full;
    parts.push(
      `B: ${full.jobsPerSec} runs/s, spawn → start p50 / p99 ${pair(full.spawnToStartMs)}, idle ${pair(full.idle.spawnToStartMs)}, ` +
        `SQL per spawn batch ${full.sqlPerBatch}, control plane RSS (now / peak) ${mb(report.controlPlaneRssMb)} / ${mb(report.controlPlanePeakRssMb)}`,
    );
  }
  parts.push(formatPhaseSummary(report));
  for (const peer of report.peers) parts.push(`${peer.phase}: ${peer.description}`);
  for (const { phase, reason } of report.skipped) parts.push(`${phase} skipped: ${reason}`);
  const setup =
    `${settings.tasks} tasks, ${settings.workers} worker processes × concurrency ${settings.concurrency}, ` +
    `spawn/addBulk batches of ${settings.batchSize}, relay batch ${settings.relayBatch}, recorder batch ${settings.recorderBatch}, ` +
    `phases ${settings.phases.join(', ')}${settings.repeat > 1 ? ` × ${settings.repeat} (median, min–max)` : ''}`;
  const host = `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgresql}, Redis ${machine.redis}, load average ${machine.loadAverage} at start`;
  parts.push(setup, host);
  return parts.join('\n');
}

function formatAgainstRaw(report: BenchReport, raw: PhaseResult, full: FullPhaseResult): string {
  const { settings } = report;
  const table = terminalTable(['', 'A: raw BullMQ', 'B: full path', 'B/A']);
  table.push(
    ['throughput (first add/spawn → last done)', `${raw.jobsPerSec} jobs/s`, `${full.jobsPerSec} runs/s`, n(report.ratio)],
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
  return table.toString();
}
