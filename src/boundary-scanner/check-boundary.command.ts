/**
 * `nyx check-boundary <path> [--json]`. Exit codes: 0 clean, 1 findings,
 * 2 nothing to scan (missing path, no .ts files) — so CI can fail on findings
 * without mistaking a wrong path for a clean result.
 */
import type { Command } from 'commander';
import { formatFindings } from './format-findings.js';
import { NoTypeScriptFilesError } from './no-typescript-files-error.js';
import { ScanPathNotFoundError } from './scan-path-not-found-error.js';
import { scanProject } from './scan-project.js';

export function registerCheckBoundaryCommand(program: Command): void {
  program
    .command('check-boundary')
    .description('statically find MikroORM entities leaking across the BullMQ worker boundary')
    .argument('<path>', 'TypeScript project directory (or file) to scan; node_modules, dist and .d.ts are skipped')
    .option('--json', 'print findings as a JSON array of { file, line, rule, message }')
    .action((scanPath: string, options: { json?: boolean }) => {
      let findings;
      try {
        findings = scanProject(scanPath);
      } catch (error) {
        if (!(error instanceof ScanPathNotFoundError || error instanceof NoTypeScriptFilesError)) throw error;
        process.stderr.write(`check-boundary: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(options.json ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(findings));
      process.exitCode = findings.length > 0 ? 1 : 0;
    });
}
