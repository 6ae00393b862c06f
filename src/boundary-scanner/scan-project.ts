/**
 * `scanProject(root)`: static checks that MikroORM entities stay on the
 * control-plane side of the queue. The scanned project's code is parsed, never
 * run or type-checked against its dependencies, so it works without the
 * project's node_modules and for MikroORM 6 and 7 alike.
 *
 * What it cannot see, in general: types TypeScript would infer from library
 * signatures (only written annotations and a few well-known MikroORM calls
 * count), calls through dynamic dispatch or library callbacks, entity classes
 * that inherit relations from a base class, and path aliases beyond matching
 * imported names. Each rule's file lists its own blind spots.
 */
import { collectSourceFiles } from './collect-source-files.js';
import { discoverEntities } from './entity-discovery.js';
import type { Finding } from './finding.js';
import { reachFromProcessors } from './processor-reach.js';
import { checkEntityInJobData } from './rules/entity-in-job-data.js';
import { checkEntityParamInProcessor } from './rules/entity-param-in-processor.js';
import { checkGlobalEmInProcessor } from './rules/global-em-in-processor.js';
import { checkOrmImportInWorker } from './rules/orm-import-in-worker.js';
import { checkUnpopulatedRelationAccess } from './rules/unpopulated-relation-access.js';
import type { Rule } from './scan-context.js';
import { loadProject } from './scanned-project.js';
import { discoverWorkers } from './worker-discovery.js';

const RULES: readonly Rule[] = [
  checkEntityParamInProcessor,
  checkEntityInJobData,
  checkOrmImportInWorker,
  checkGlobalEmInProcessor,
  checkUnpopulatedRelationAccess,
];

/**
 * Scans a directory (or one `.ts` file) and returns findings sorted by file,
 * line and rule. Synchronous: it is CPU-bound and touches only local files.
 * @throws ScanPathNotFoundError, NoTypeScriptFilesError
 */
export function scanProject(scanPath: string): Finding[] {
  const { rootDir, fileNames } = collectSourceFiles(scanPath);
  const project = loadProject(rootDir, fileNames);
  const entities = discoverEntities(project);
  const workers = discoverWorkers(project);
  const reached = reachFromProcessors(project, workers.roots);
  const context = { project, entities, workers, reached };
  return sortUnique(RULES.flatMap((rule) => rule(context)));
}

function sortUnique(findings: Finding[]): Finding[] {
  const byKey = new Map(findings.map((f) => [`${f.file}\0${f.line}\0${f.rule}\0${f.message}`, f]));
  return [...byKey.values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
}
