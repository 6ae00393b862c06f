/**
 * `nyx check-boundary <path> [--json] [--strict]`. Exit codes: 0 no errors,
 * 1 at least one error, 2 nothing to scan (missing path, no source files) —
 * so CI can fail on defects without mistaking a wrong path for a clean
 * result. Policy findings (`orm-import-in-worker`) are warnings and leave the
 * exit code at 0 unless `--strict` makes them errors.
 */
import type { Command } from 'commander';
import { formatFindings } from './format-findings.js';
import { NoTypeScriptFilesError } from './no-typescript-files-error.js';
import { ScanPathNotFoundError } from './scan-path-not-found-error.js';
import { runScan, type ScanReport } from './scan-project.js';
import { formatSummary } from './scan-summary.js';

export function registerCheckBoundaryCommand(program: Command): void {
  program
    .command('check-boundary')
    .description('statically find MikroORM entities and EntityManagers leaking across the BullMQ worker boundary')
    .argument('<path>', 'project directory (or file) to scan: .ts .tsx .mts .js .mjs; node_modules, dist, build and .d.ts are skipped')
    .option('--json', 'print findings as a JSON array of { file, line, rule, severity, kind, message } (the summary goes to stderr)')
    .option('--strict', 'report policy findings (orm-import-in-worker) as errors, so they fail the exit code too')
    .action((scanPath: string, options: { json?: boolean; strict?: boolean }) => {
      let report: ScanReport;
      try {
        report = runScan(scanPath, { strict: options.strict ?? false });
      } catch (error) {
        if (!(error instanceof ScanPathNotFoundError || error instanceof NoTypeScriptFilesError)) throw error;
        process.stderr.write(`check-boundary: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const { findings, summary } = report;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
        process.stderr.write(`${formatSummary(summary)}\n`);
      } else {
        process.stdout.write(`${formatFindings(findings)}${formatSummary(summary)}\n`);
      }
      process.exitCode = summary.errors > 0 ? 1 : 0;
    });
}
