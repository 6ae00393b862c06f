/**
 * Rule `orm-import-in-worker`: a worker module loads `@mikro-orm/*` or an
 * entity module at runtime, directly or through a chain of project files.
 *
 * A worker process should not boot the ORM: it would need database config and
 * connections it has no business holding, and entities there are detached
 * anyway. Workers import DTOs (src/dto) and pure workflow code only. Type-only
 * imports are ignored here (they are erased); entity *types* in processor
 * signatures are caught by `entity-param-in-processor`.
 */
import type ts from 'typescript';
import type { Finding } from '../finding.js';
import { resolveImport, runtimeImportsOf } from '../import-graph.js';
import { findingAt, relativeFile } from '../scanned-project.js';
import type { ScanContext } from '../scan-context.js';

const ORM_PACKAGE = /^(@mikro-orm\/|mikro-orm$)/;

export function checkOrmImportInWorker(context: ScanContext): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  const sourceFiles = new Map(project.sourceFiles.map((sf) => [sf.fileName, sf]));
  for (const workerFile of context.workers.workerFiles) {
    const sourceFile = sourceFiles.get(workerFile);
    if (!sourceFile || context.entities.entityFiles.has(workerFile)) continue;
    for (const entry of runtimeImportsOf(sourceFile)) {
      const chain = ormChain(context, sourceFiles, workerFile, entry.specifier);
      if (!chain) continue;
      findings.push(findingAt(project, entry.node, 'orm-import-in-worker', message(entry.specifier, chain)));
    }
  }
  return findings;
}

/**
 * Breadth-first from one import, so the reported chain is a shortest one.
 * Returns the project files passed through (relative) ending with the
 * offending package or entity module, or undefined when the import is clean.
 */
function ormChain(context: ScanContext, sourceFiles: ReadonlyMap<string, ts.SourceFile>, fromFile: string, specifier: string): string[] | undefined {
  const { project, entities } = context;
  const visited = new Set<string>([fromFile]);
  const queue: Array<{ fromFile: string; specifier: string; path: string[] }> = [{ fromFile, specifier, path: [] }];
  for (let item = queue.shift(); item; item = queue.shift()) {
    if (ORM_PACKAGE.test(item.specifier)) return [...item.path, item.specifier];
    const resolved = resolveImport(item.fromFile, item.specifier, project.fileNames);
    if (!resolved || visited.has(resolved)) continue;
    visited.add(resolved);
    const path = [...item.path, relativeFile(project, resolved)];
    if (entities.entityFiles.has(resolved)) return path;
    const next = sourceFiles.get(resolved);
    for (const entry of next ? runtimeImportsOf(next) : []) {
      queue.push({ fromFile: resolved, specifier: entry.specifier, path });
    }
  }
  return undefined;
}

function message(specifier: string, chain: string[]): string {
  const target = chain[chain.length - 1] ?? specifier;
  const what = ORM_PACKAGE.test(target) ? `\`${target}\`` : `entity module \`${target}\``;
  const how = chain.length === 1 ? 'directly' : `via ${chain.slice(0, -1).join(' → ')}`;
  return (
    `worker module loads ${what} ${how}; a worker process must not boot the ORM or hold entities — ` +
    'import only DTOs and plain workflow code, and do the database work in the control plane'
  );
}
