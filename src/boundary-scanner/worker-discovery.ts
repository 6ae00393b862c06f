/**
 * Finds the code that runs inside a BullMQ worker process:
 *
 * - processors: the function passed to `new Worker(name, processor)` (inline,
 *   by name, `this.process.bind(this)`, or the factory that builds it), where
 *   `Worker` is imported from 'bullmq';
 * - processor files: sandboxed processors given to `new Worker` as a path,
 *   `*.processor.ts` files and files under a `processors/` folder — their
 *   default export (or, lacking one, every exported function) is a processor;
 * - worker modules: files that construct a bullmq Worker, processor files, and
 *   every file under a `workers/` folder.
 */
import path from 'node:path';
import ts from 'typescript';
import { resolveImport } from './import-graph.js';
import { relativeFile, type ScannedProject } from './scanned-project.js';
import {
  type CallableNode,
  forEachDescendant,
  isCallableNode,
  resolveCallable,
  skipOuterExpressions,
  variableInitializer,
} from './symbols.js';

export interface ProcessorRoot {
  fn: CallableNode;
  /** Where the processor is handed to BullMQ: the `new Worker(...)`, or the processor file's export. */
  registeredAt: ts.Node;
}

export interface WorkerDiscovery {
  workerFiles: Set<string>;
  roots: ProcessorRoot[];
}

const PROCESSOR_FILE = /(^|\/)processors?\/|\.processor\.[cm]?ts$/;
const WORKERS_FOLDER = /(^|\/)workers\//;

export function discoverWorkers(project: ScannedProject): WorkerDiscovery {
  const workerFiles = new Set<string>();
  const processorFiles = new Set<string>();
  const roots: ProcessorRoot[] = [];
  for (const sourceFile of project.sourceFiles) {
    const relative = relativeFile(project, sourceFile.fileName);
    if (WORKERS_FOLDER.test(relative)) workerFiles.add(sourceFile.fileName);
    if (PROCESSOR_FILE.test(relative)) processorFiles.add(sourceFile.fileName);
    const isBullmqWorker = bullmqWorkerMatcher(sourceFile);
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isNewExpression(node) || !isBullmqWorker(node.expression)) return;
      workerFiles.add(sourceFile.fileName);
      const processor = node.arguments?.[1];
      if (!processor) return;
      const fn = processorFunction(project, processor);
      if (fn) roots.push({ fn, registeredAt: node });
      const sandboxed = sandboxedProcessorFile(project, sourceFile.fileName, processor);
      if (sandboxed) processorFiles.add(sandboxed);
    });
  }
  for (const fileName of processorFiles) {
    workerFiles.add(fileName);
    const sourceFile = project.sourceFiles.find((sf) => sf.fileName === fileName);
    if (sourceFile) roots.push(...processorFileRoots(project, sourceFile));
  }
  return { workerFiles, roots };
}

/** Recognises `Worker` (or an alias of it, or `bullmq.Worker`) imported from 'bullmq'. */
function bullmqWorkerMatcher(sourceFile: ts.SourceFile): (expression: ts.Expression) => boolean {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== 'bullmq' || !statement.importClause) continue;
    const bindings = statement.importClause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    if (statement.importClause.name) namespaces.add(statement.importClause.name.text);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if ((element.propertyName ?? element.name).text === 'Worker') names.add(element.name.text);
      }
    }
  }
  return (expression) =>
    (ts.isIdentifier(expression) && names.has(expression.text)) ||
    (ts.isPropertyAccessExpression(expression) &&
      expression.name.text === 'Worker' &&
      ts.isIdentifier(expression.expression) &&
      namespaces.has(expression.expression.text));
}

function processorFunction(project: ScannedProject, argument: ts.Expression, depth = 0): CallableNode | undefined {
  const processor = skipOuterExpressions(argument);
  if (isCallableNode(processor)) return processor;
  if (ts.isIdentifier(processor) || ts.isPropertyAccessExpression(processor)) {
    // `const processor = createProcessor(deps); new Worker(q, processor)`: follow the variable to its factory.
    const initializer = resolveCallable(project, processor) ? undefined : variableInitializer(project, processor);
    return initializer && depth < 3 ? processorFunction(project, initializer, depth + 1) : resolveCallable(project, processor);
  }
  if (ts.isCallExpression(processor)) {
    const callee = processor.expression;
    // `this.process.bind(this)` → `process`; `createProcessor(deps)` → the factory, closure included.
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind') return resolveCallable(project, callee.expression);
    return resolveCallable(project, callee);
  }
  return undefined;
}

/** `'./x.js'`, `new URL('./x.js', import.meta.url)`, `path.join(__dirname, 'x.js')` → the project file. */
function sandboxedProcessorFile(project: ScannedProject, fromFile: string, argument: ts.Expression): string | undefined {
  const literals: string[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node)) literals.push(node.text);
    ts.forEachChild(node, collect);
  };
  collect(argument);
  const joined = literals.join('/');
  if (!/\.[cm]?[jt]s$/.test(joined)) return undefined;
  const specifier = joined.startsWith('.') || path.isAbsolute(joined) ? joined : `./${joined}`;
  return resolveImport(fromFile, specifier, project.fileNames);
}

function processorFileRoots(project: ScannedProject, sourceFile: ts.SourceFile): ProcessorRoot[] {
  const defaults: ProcessorRoot[] = [];
  const exported: ProcessorRoot[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const fn = processorFunction(project, statement.expression);
      if (fn) defaults.push({ fn, registeredAt: statement });
    }
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    const isExported = modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (isExported && ts.isFunctionDeclaration(statement) && statement.body) {
      (isDefault ? defaults : exported).push({ fn: statement, registeredAt: statement });
    }
    if (isExported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
        if (initializer && isCallableNode(initializer)) exported.push({ fn: initializer, registeredAt: declaration });
      }
    }
  }
  return defaults.length > 0 ? defaults : exported;
}
