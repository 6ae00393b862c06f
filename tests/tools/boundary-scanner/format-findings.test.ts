import type { Finding } from '../../../src/tools/boundary-scanner/finding.js';
import { formatFindings } from '../../../src/tools/boundary-scanner/format-findings.js';
import { formatSummary } from '../../../src/tools/boundary-scanner/scan-summary.js';

describe('formatFindings', () => {
  it('prints file:line  severity  rule  message per finding, marks policy findings, and a count line', () => {
    const findings: Finding[] = [
      { file: 'src/a.ts', line: 3, rule: 'entity-in-job-data', severity: 'error', kind: 'defect', message: 'm1' },
      { file: 'src/a.ts', line: 9, rule: 'entity-in-job-data', severity: 'error', kind: 'defect', message: 'm2' },
      { file: 'src/b.ts', line: 1, rule: 'orm-import-in-worker', severity: 'warning', kind: 'policy', message: 'm3' },
    ];
    expect(formatFindings(findings)).toBe(
      [
        'src/a.ts:3  error  entity-in-job-data  m1',
        'src/a.ts:9  error  entity-in-job-data  m2',
        'src/b.ts:1  warning  orm-import-in-worker (policy)  m3',
        '3 findings in 2 files (entity-in-job-data: 2, orm-import-in-worker: 1)',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    expect(formatFindings([])).toBe('check-boundary: no findings\n');
  });
});

describe('formatSummary', () => {
  it('says what was scanned: files by extension, entities, processors by kind, findings by severity, time', () => {
    expect(
      formatSummary({
        files: 12,
        filesByExtension: { '.js': 2, '.ts': 10 },
        skippedJsx: 0,
        entities: 1,
        processors: 3,
        processorsBySource: { nestjs: 2, 'worker-helper': 1 },
        workerFiles: 2,
        errors: 4,
        warnings: 1,
        strict: false,
        milliseconds: 1234,
      }),
    ).toBe('check-boundary: 12 files (10 .ts, 2 .js), 1 entity, 3 processors (2 NestJS, 1 via helper) in 2 worker files; 4 errors, 1 warning; 1.2 s');
  });
});
