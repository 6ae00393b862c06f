import type { Finding } from '../../src/boundary-scanner/finding.js';
import { formatFindings } from '../../src/boundary-scanner/format-findings.js';

describe('formatFindings', () => {
  it('prints file:line  rule  message per finding and a summary line', () => {
    const findings: Finding[] = [
      { file: 'src/a.ts', line: 3, rule: 'entity-in-job-data', message: 'm1' },
      { file: 'src/a.ts', line: 9, rule: 'entity-in-job-data', message: 'm2' },
      { file: 'src/b.ts', line: 1, rule: 'orm-import-in-worker', message: 'm3' },
    ];
    expect(formatFindings(findings)).toBe(
      [
        'src/a.ts:3  entity-in-job-data  m1',
        'src/a.ts:9  entity-in-job-data  m2',
        'src/b.ts:1  orm-import-in-worker  m3',
        '3 findings in 2 files (entity-in-job-data: 2, orm-import-in-worker: 1)',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    expect(formatFindings([])).toBe('check-boundary: no findings\n');
  });
});
