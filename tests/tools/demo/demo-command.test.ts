/**
 * `nyx demo` as a user runs it: a real process on embedded PGlite, real worker
 * processes, a JSON summary on the last line.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

describe('nyx demo', () => {
  it('completes every task on PGlite and prints the summary as JSON', () => {
    const env = { ...process.env, LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--tasks', '120', '--workers', '2', '--json'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).not.toMatch(/nyx: /);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!);
    expect(summary).toMatchObject({ tasks: 120, completed: 120, failed: 0, dead: 0, unfinished: 0, database: 'pglite', workers: 2 });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.spawnToFinishMs.p99).toBeGreaterThanOrEqual(summary.spawnToFinishMs.p50);
  });

  it('refuses a bad option with a one-line reason', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--tasks', 'ten'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`option '--tasks <n>' argument 'ten' is invalid. expected a whole number from 1 to 1000000`);
  });
});
