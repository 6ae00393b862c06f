/**
 * `nyx bench` as a user runs it, with a tiny N: a real process that runs every
 * phase (A, B and the peers) against the local PostgreSQL (a throwaway database) and the shared
 * Redis (a prefix of its own), prints the report as JSON on the last line,
 * writes the same report to --out, and leaves nothing behind. No timing
 * assertions: numbers are only checked to be present and sane.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ADMIN_URL } from '../../support/test-database.js';
import { SHARED_REDIS_URL } from '../../support/test-redis.js';

function runBench(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'bench', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const positive = expect.any(Number);

describe('nyx bench', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nyx-bench-'));

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures raw BullMQ, the full path and the peers, prints one JSON report last, and cleans up', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: SHARED_REDIS_URL, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const result = await runBench(['--tasks', '200', '--workers', '1', '--concurrency', '20', '--idle-samples', '5', '--json', '--out', out], env);
    expect(result.stderr).not.toMatch(/nyx: /);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!);

    expect(report.settings).toMatchObject({ tasks: 200, workers: 1, concurrency: 20, idleSamples: 5, database: 'throwaway' });
    for (const phase of [report.raw, report.full]) {
      expect(phase).toMatchObject({ jobs: 200, completed: 200 });
      expect(phase.jobsPerSec).toBeGreaterThan(0);
      expect(phase.durationMs).toBeGreaterThan(0);
      expect(phase.spawnToStartMs).toMatchObject({ count: 200, p50: positive, p99: positive });
      expect(phase.spawnToStartMs.p99).toBeGreaterThanOrEqual(phase.spawnToStartMs.p50);
      expect(phase.spawnToRecordedMs.p50).toBeGreaterThanOrEqual(0);
      expect(phase.redisRoundTripsPerBatch).toBeGreaterThan(0);
      expect(phase.workerRssMb).toBeGreaterThan(0);
    }
    expect(Number.isFinite(report.ratio)).toBe(true);
    expect(report.ratio).toBeGreaterThan(0);
    expect(report.full.statuses).toMatchObject({ completed: 200, pending: 0, queued: 0, dead: 0 });
    // Spawning reads and writes with a constant number of statements, the same for 200 tasks and for 1.
    expect(report.full.sqlPerBatch).toBeGreaterThan(0);
    expect(report.full.sqlPerBatchMin).toBe(report.full.sqlPerBatchMax);
    expect(report.full.idle).toMatchObject({ samples: 5, sqlPerSpawn: positive });
    // Idle: one claim in its transaction, no Redis command; under load: per batch, not per run.
    expect(report.full.reconciler.idle).toMatchObject({ checked: 0, resent: 0, statements: 3, redisRoundTrips: 0 });
    expect(report.full.reconciler.underLoad.resent).toBe(0);
    expect(report.full.reconciler.underLoad.redisRoundTrips).toBeLessThanOrEqual(1);
    expect(report.full.idle.spawnToStartMs.count).toBe(5);
    expect(report.workerRssMb).toBeGreaterThan(0);
    expect(report.controlPlaneRssMb).toBeGreaterThan(0);

    // The peers did B's work from the same 200 task rows, each run written back by its worker process.
    expect(report.settings.phases).toEqual(['A', 'B', 'G-default', 'G-batched', 'H']);
    expect(report.skipped).toEqual([]);
    expect(report.peers.map((peer: { phase: string }) => peer.phase)).toEqual(['G-default', 'G-batched', 'H']);
    for (const peer of report.peers) {
      expect(peer).toMatchObject({ jobs: 200, completed: 200, statuses: { completed: 200 } });
      expect(peer.jobsPerSec).toBeGreaterThan(0);
      expect(peer.spawnToStartMs.count).toBe(200);
      expect(peer.spawnToRecordedMs.count).toBe(200);
      expect(peer.workerRssMb).toBeGreaterThan(0);
      expect(peer.cpuSeconds.workers).toBeGreaterThan(0);
      expect(peer.sqlPerBatchMin).toBe(peer.sqlPerBatchMax);
    }
    // graphile-worker: BEGIN, select tasks, insert runs, add_jobs, COMMIT, and no Redis at all.
    expect(report.peers[0]).toMatchObject({ sqlPerBatch: 5, redisRoundTripsPerBatch: 0 });
    expect(report.peers[2].redisRoundTripsPerBatch).toBeGreaterThan(0);
    expect(report.summary.map((s: { phase: string }) => s.phase)).toEqual(['A', 'B', 'G-default', 'G-batched', 'H']);
    for (const s of report.summary) {
      expect(s).toMatchObject({ runs: 1, completed: 200, jobsPerSec: { median: positive, values: [positive] } });
      expect(s.cpuMicrosPerRun.controlPlane).toBeGreaterThan(0);
      if (s.phase === 'B') expect(s.bOver).toBeNull();
      else expect(s.bOver.median).toBeGreaterThan(0);
    }
    expect(report.summary[0].bOver.median).toBe(report.ratio);

    // The same report was written to --out.
    const files = readdirSync(out).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(out, files[0]!), 'utf8'))).toEqual(report);

    // Nothing left behind: the throwaway database is gone, no key under the prefix.
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query('select 1 from pg_database where datname = $1', [report.settings.databaseName]);
      expect(rows).toHaveLength(0);
    } finally {
      await admin.end();
    }
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      const left: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${report.settings.redisPrefix}:*`, 'COUNT', 10_000);
        left.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      expect(left).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 180_000);

  it('runs only the phases asked for, K times, and reports the median and the spread', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: SHARED_REDIS_URL, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const result = await runBench(
      [
        '--tasks',
        '50',
        '--concurrency',
        '10',
        '--phases',
        'A,G-batched,H',
        '--peers',
        'G-batched',
        '--repeat',
        '2',
        '--json',
        '--out',
        path.join(out, 'repeat'),
      ],
      env,
    );
    expect(result.stderr).not.toMatch(/nyx: /);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!);
    expect(report.settings).toMatchObject({ phases: ['A', 'G-batched'], repeat: 2 });
    expect(report.full).toBeNull();
    expect(report.ratio).toBeNull();
    expect(report.raw).toMatchObject({ jobs: 50, completed: 50 });
    expect(report.peers).toHaveLength(1);
    expect(report.repetitions).toHaveLength(2);
    for (const repetition of report.repetitions) {
      expect(Object.keys(repetition).sort()).toEqual(['A', 'G-batched']);
      expect(repetition['G-batched']).toMatchObject({ completed: 50, statuses: { completed: 50 } });
    }
    for (const s of report.summary) {
      expect(s.runs).toBe(2);
      expect(s.jobsPerSec.values).toHaveLength(2);
      expect(s.jobsPerSec.min).toBeLessThanOrEqual(s.jobsPerSec.median);
      expect(s.jobsPerSec.median).toBeLessThanOrEqual(s.jobsPerSec.max);
      expect(s.bOver).toBeNull();
    }
  }, 180_000);

  it('refuses an unknown phase with a one-line reason', async () => {
    const result = await runBench(['--phases', 'A,Z'], { ...process.env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`option '--phases <list>' argument 'A,Z' is invalid`);
  }, 60_000);

  it('refuses a bad option with a one-line reason', async () => {
    const result = await runBench(['--workers', 'many'], { ...process.env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`option '--workers <n>' argument 'many' is invalid`);
  }, 60_000);
});
