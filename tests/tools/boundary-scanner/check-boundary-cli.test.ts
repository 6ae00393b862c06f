/** Runs the real CLI entry in a child process (Node 24 via process.execPath, TypeScript via tsx). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../../../src/tools/boundary-scanner/finding.js';
import { fixture } from './fixtures.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const ENTRY = path.resolve('src/tools/boundary-scanner/check-boundary.cli.ts');

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
      severity: 'error',
      kind: 'defect',
      message: expect.stringContaining('send ids and plain fields (a DTO) instead'),
    });
  });

  it('prints text lines, a count line and the summary line; policy findings alone are warnings and exit 0', () => {
    const { code, stdout } = checkBoundary('check-boundary', fixture('bad-orm-import-in-worker'));
    expect(code).toBe(0);
    expect(stdout).toContain('src/workers/direct.ts:1  warning  orm-import-in-worker (policy)  worker module loads `@mikro-orm/core` directly');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('3 findings in 3 files (orm-import-in-worker: 3)');
    expect(lines.at(-1)).toMatch(
      /^check-boundary: 9 files \(9 \.ts\), 1 entity, 2 processors \(2 new Worker\) in 3 worker files; 0 errors, 3 warnings; \d+\.\d s$/,
    );
  });

  it('--strict turns policy warnings into errors and fails the exit code', () => {
    const { code, stdout } = checkBoundary(fixture('bad-orm-import-in-worker'), '--json', '--strict');
    expect(code).toBe(1);
    const findings = JSON.parse(stdout) as Finding[];
    expect(findings.map((f) => [f.severity, f.kind])).toEqual([
      ['error', 'policy'],
      ['error', 'policy'],
      ['error', 'policy'],
    ]);
  });

  it('exits 1 on defects of a NestJS project, with the summary on stderr under --json', () => {
    const { code, stdout, stderr } = checkBoundary(fixture('bad-nestjs-processors'), '--json');
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as Finding[]).filter((f) => f.severity === 'error')).toHaveLength(14);
    expect(stderr).toMatch(
      /^check-boundary: 16 files \(14 \.ts, 2 \.js\), 2 entities, 7 processors \(5 NestJS, 1 new Worker, 1 via helper\) in 6 worker files; 14 errors, 11 warnings; /,
    );
  });

  it('exits 0 on the corrected NestJS twin: warnings only', () => {
    const { code, stdout } = checkBoundary(fixture('clean-nestjs-processors'));
    expect(code).toBe(0);
    expect(stdout).toContain('0 errors, 11 warnings');
  });

  it('exits 0 with an empty JSON array for a clean project', () => {
    const { code, stdout } = checkBoundary(fixture('clean-v7-define-entity'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('says what it scanned when there is nothing to report', () => {
    const { code, stdout } = checkBoundary(fixture('clean-v7-define-entity'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^check-boundary: no findings\ncheck-boundary: 9 files \(9 \.ts\), 2 entities, 2 processors \(1 new Worker, 1 sandboxed\)/);
  });

  it('exits 2 with a one-line message when the path does not exist', () => {
    const { code, stdout, stderr } = checkBoundary(fixture('no-such-project'), '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^check-boundary: path does not exist: .*no-such-project$/);
  });
});
