/**
 * Text output of `check-boundary`: one `file:line  severity  rule  message`
 * line per finding (clickable in most terminals and CI logs; policy findings
 * say `(policy)` after the rule), then a count line.
 */
import type { Finding } from './finding.js';

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'check-boundary: no findings\n';
  const lines = findings.map((f) => `${f.file}:${f.line}  ${f.severity}  ${f.rule}${f.kind === 'policy' ? ' (policy)' : ''}  ${f.message}`);
  return `${lines.join('\n')}\n${summarize(findings)}\n`;
}

/** `3 findings in 2 files (entity-in-job-data: 2, orm-import-in-worker: 1)` */
export function summarize(findings: readonly Finding[]): string {
  const files = new Set(findings.map((f) => f.file)).size;
  const perRule = new Map<string, number>();
  for (const f of findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  const rules = [...perRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, n]) => `${rule}: ${n}`);
  return `${plural(findings.length, 'finding')} in ${plural(files, 'file')} (${rules.join(', ')})`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
