/** Runs the real CLI entry in a child process (Node 24 via process.execPath, TypeScript via tsx). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../../src/boundary-scanner/finding.js';
import { fixture } from './fixtures.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const ENTRY = path.resolve('src/boundary-scanner/check-boundary.cli.ts');

function checkBoundary(...args: string[]) {
  const result = spawnSync(process.execPath, [TSX, ENTRY, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('check-boundary CLI', () => {
  it('exits 1 and prints a JSON array of findings for a bad project', () => {
    const { code, stdout } = checkBoundary(fixture('bad-entity-in-job-data'), '--json');
    expect(code).toBe(1);
    const findings = JSON.parse(stdout) as Finding[];
    expect(Array.isArray(findings)).toBe(true);
    expect(findings).toHaveLength(7);
    expect(findings[0]).toEqual({
      file: 'src/producers/enqueue.ts',
      line: 13,
      rule: 'entity-in-job-data',
      message: expect.stringContaining('send ids and plain fields (a DTO) instead'),
    });
  });

  it('exits 1 with text lines and a summary without --json', () => {
    const { code, stdout } = checkBoundary('check-boundary', fixture('bad-orm-import-in-worker'));
    expect(code).toBe(1);
    expect(stdout).toContain('src/workers/direct.ts:1  orm-import-in-worker  worker module loads `@mikro-orm/core` directly');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('3 findings in 3 files (orm-import-in-worker: 3)');
  });

  it('exits 0 with an empty JSON array for a clean project', () => {
    const { code, stdout } = checkBoundary(fixture('clean-v7-define-entity'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('exits 2 with a one-line message when the path does not exist', () => {
    const { code, stdout, stderr } = checkBoundary(fixture('no-such-project'), '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^check-boundary: path does not exist: .*no-such-project$/);
  });
});
