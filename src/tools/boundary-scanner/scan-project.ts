/**
 * `scanProject(root)`: static checks that MikroORM entities stay on the
 * control-plane side of the queue, and that processor code does not share an
 * EntityManager across jobs. The scanned project's code is parsed, never run
 * or type-checked against its dependencies, so it works without the
 * project's node_modules and for MikroORM 5, 6 and 7 alike.
 *
 * What it cannot see, in general: types TypeScript would infer from library
 * signatures (only written annotations and a few well-known MikroORM calls
 * count), calls through dynamic dispatch or library callbacks, entity classes
 * that inherit relations from a base class, and path aliases beyond matching
 * imported names. Each rule's file lists its own blind spots.
 */
import path from 'node:path';
import { collectSourceFiles } from './collect-source-files.js';
import { discoverEntities } from './entity-discovery.js';
import { type Finding, severityOf } from './finding.js';
import { reachFromProcessors } from './processor-reach.js';
import { checkAllowGlobalContext } from './rules/allow-global-context.js';
import { checkEntityInJobData } from './rules/entity-in-job-data.js';
import { checkEntityParamInProcessor } from './rules/entity-param-in-processor.js';
import { checkGlobalEmInProcessor } from './rules/global-em-in-processor.js';
import { checkOrmImportInWorker } from './rules/orm-import-in-worker.js';
import { checkUnpopulatedRelationAccess } from './rules/unpopulated-relation-access.js';
import type { Rule } from './scan-context.js';
import { loadProject } from './scanned-project.js';
import type { ScanSummary } from './scan-summary.js';
import { discoverWorkers, type ProcessorSource } from './worker-discovery.js';

const RULES: readonly Rule[] = [
  checkEntityParamInProcessor,
  checkEntityInJobData,
  checkOrmImportInWorker,
  checkGlobalEmInProcessor,
  checkUnpopulatedRelationAccess,
  checkAllowGlobalContext,
];

export interface ScanOptions {
  /** Report policy findings (`orm-import-in-worker`) as errors. @defaultValue false */
  strict?: boolean;
}

export interface ScanReport {
  findings: Finding[];
  summary: ScanSummary;
}

/**
 * Scans a directory (or one source file) and returns findings sorted by file,
 * line and rule. Synchronous: it is CPU-bound and touches only local files.
 * @throws ScanPathNotFoundError, NoTypeScriptFilesError
 */
export function scanProject(scanPath: string, options: ScanOptions = {}): Finding[] {
  return runScan(scanPath, options).findings;
}

/** `scanProject` plus what was scanned: the numbers behind the summary line. */
export function runScan(scanPath: string, options: ScanOptions = {}): ScanReport {
  const startedAt = process.hrtime.bigint();
  const strict = options.strict ?? false;
  const { rootDir, fileNames, skippedJsx, workspacePackages } = collectSourceFiles(scanPath);
  const project = loadProject(rootDir, fileNames, workspacePackages);
  const entities = discoverEntities(project);
  const workers = discoverWorkers(project);
  const reached = reachFromProcessors(project, workers.roots);
  const context = { project, entities, workers, reached };
  const findings = sortUnique(RULES.flatMap((rule) => rule(context))).map((f) => ({ ...f, severity: severityOf(f.kind, strict) }));
  const filesByExtension: Record<string, number> = {};
  for (const fileName of fileNames) {
    const extension = path.extname(fileName);
    filesByExtension[extension] = (filesByExtension[extension] ?? 0) + 1;
  }
  const processorsBySource: Partial<Record<ProcessorSource, number>> = {};
  for (const fn of new Set(workers.roots.map((r) => r.fn))) {
    const source = workers.roots.find((r) => r.fn === fn)?.source ?? 'bullmq-worker';
    processorsBySource[source] = (processorsBySource[source] ?? 0) + 1;
  }
  return {
    findings,
    summary: {
      files: fileNames.length,
      filesByExtension,
      skippedJsx,
      entities: new Set(entities.byName.values()).size,
      processors: new Set(workers.roots.map((r) => r.fn)).size,
      processorsBySource,
      workerFiles: workers.workerFiles.size,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      strict,
      milliseconds: Number((process.hrtime.bigint() - startedAt) / 1_000_000n),
    },
  };
}

function sortUnique(findings: Finding[]): Finding[] {
  const byKey = new Map(findings.map((f) => [`${f.file}\0${f.line}\0${f.rule}\0${f.message}`, f]));
  return [...byKey.values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
}
