/**
 * Finds the code that runs with a BullMQ job in hand — the processors — and
 * the worker modules (the files that define them):
 *
 * - plain BullMQ: the function passed to `new Worker(name, processor)` (inline,
 *   by name, `this.process.bind(this)`, or the factory that builds it), where
 *   `Worker` is imported (or required) from 'bullmq';
 * - helpers that wrap `new Worker`: whatever their callers pass where the
 *   helper hands its parameter to `new Worker` (see worker-wrappers.ts);
 * - NestJS: `@Processor` classes' `process` / `@Process` / event-handler
 *   methods (see nest-processors.ts);
 * - sandboxed processors: files given to `new Worker` as a path; their default
 *   export (or, lacking one, every exported function) is a processor.
 *
 * Folder and file names are a hint, not a verdict: a `*.processor.ts` file or
 * a file under `processors/` or `workers/` is taken for a sandboxed processor
 * (its exported functions become processors) only when it declares no
 * decorated class — a Nest module or service there is DI-wired application
 * code, not something a worker process loads by path. A file is otherwise
 * worker code because it defines a processor; what a processor calls is
 * followed by processor-reach.ts, and what it imports by the import rule.
 */
import path from 'node:path';
import ts from 'typescript';
import { resolveImport } from './import-graph.js';
import { declaresDecoratedClass, nestProcessorMethods } from './nest-processors.js';
import { relativeFile, type ScannedProject } from './scanned-project.js';
import { type CallableNode, forEachDescendant, isCallableNode, resolveCallable, skipOuterExpressions, variableInitializer } from './symbols.js';
import { type WorkerWrapper, wrapperCalls, wrapperOf } from './worker-wrappers.js';

export type ProcessorSource = 'bullmq-worker' | 'worker-helper' | 'nestjs' | 'sandboxed-file';

export interface ProcessorRoot {
  fn: CallableNode;
  /** Where the processor is handed to BullMQ: the `new Worker(...)`, the helper call, the `@Processor` decorator, or the file's export. */
  registeredAt: ts.Node;
  source: ProcessorSource;
}

export interface WorkerDiscovery {
  workerFiles: Set<string>;
  roots: ProcessorRoot[];
}

const PROCESSOR_FILE_HINT = /(^|\/)processors?\/|\.processor\.[cm]?[jt]s$/;
const WORKERS_FOLDER_HINT = /(^|\/)workers\//;
const WRAPPER_DEPTH = 3;

export function discoverWorkers(project: ScannedProject): WorkerDiscovery {
  const workerFiles = new Set<string>();
  const processorFiles = new Set<string>();
  const roots: ProcessorRoot[] = [];
  let wrappers: WorkerWrapper[] = [];
  const addRoot = (root: ProcessorRoot): void => {
    roots.push(root);
    workerFiles.add(root.registeredAt.getSourceFile().fileName);
  };
  for (const sourceFile of project.sourceFiles) {
    const relative = relativeFile(project, sourceFile.fileName);
    const hinted = (WORKERS_FOLDER_HINT.test(relative) || PROCESSOR_FILE_HINT.test(relative)) && !declaresDecoratedClass(sourceFile);
    if (hinted && WORKERS_FOLDER_HINT.test(relative)) workerFiles.add(sourceFile.fileName);
    if (hinted && PROCESSOR_FILE_HINT.test(relative)) processorFiles.add(sourceFile.fileName);
    for (const { fn, decorator } of nestProcessorMethods(project, sourceFile)) addRoot({ fn, registeredAt: decorator, source: 'nestjs' });
    const isBullmqWorker = bullmqWorkerMatcher(sourceFile);
    if (!isBullmqWorker) continue;
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isNewExpression(node) || !isBullmqWorker(node.expression)) return;
      workerFiles.add(sourceFile.fileName);
      const processor = node.arguments?.[1];
      if (!processor) return;
      const fn = processorFunction(project, processor);
      if (fn) addRoot({ fn, registeredAt: node, source: 'bullmq-worker' });
      const wrapper = fn ? undefined : wrapperOf(project, processor);
      if (wrapper) wrappers.push(wrapper);
      const sandboxed = sandboxedProcessorFile(project, sourceFile.fileName, processor);
      if (sandboxed) processorFiles.add(sandboxed);
    });
  }
  // Helpers of helpers: a call that passes its own parameter on is a helper too.
  for (let depth = 0; depth < WRAPPER_DEPTH && wrappers.length > 0; depth++) {
    const next: WorkerWrapper[] = [];
    for (const { call, argument } of wrapperCalls(project, wrappers)) {
      const fn = processorFunction(project, argument);
      if (fn) addRoot({ fn, registeredAt: call, source: 'worker-helper' });
      const wrapper = fn ? undefined : wrapperOf(project, argument);
      if (wrapper) next.push(wrapper);
    }
    wrappers = next;
  }
  for (const fileName of processorFiles) {
    workerFiles.add(fileName);
    const sourceFile = project.sourceFiles.find((sf) => sf.fileName === fileName);
    if (sourceFile) roots.push(...processorFileRoots(project, sourceFile));
  }
  return { workerFiles, roots };
}

/**
 * Recognises `Worker` (or an alias of it, or `bullmq.Worker`) imported or
 * required from 'bullmq'; undefined when the file does not load bullmq at all.
 */
function bullmqWorkerMatcher(sourceFile: ts.SourceFile): ((expression: ts.Expression) => boolean) | undefined {
  if (!sourceFile.text.includes('bullmq')) return undefined;
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) collectRequiredWorker(statement, names, namespaces);
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
  if (names.size === 0 && namespaces.size === 0) return undefined;
  return (expression) =>
    (ts.isIdentifier(expression) && names.has(expression.text)) ||
    (ts.isPropertyAccessExpression(expression) &&
      expression.name.text === 'Worker' &&
      ts.isIdentifier(expression.expression) &&
      namespaces.has(expression.expression.text));
}

/** `const { Worker } = require('bullmq')`, `const bullmq = require('bullmq')`. */
function collectRequiredWorker(statement: ts.VariableStatement, names: Set<string>, namespaces: Set<string>): void {
  for (const declaration of statement.declarationList.declarations) {
    const init = declaration.initializer && skipOuterExpressions(declaration.initializer);
    const required =
      init &&
      ts.isCallExpression(init) &&
      ts.isIdentifier(init.expression) &&
      init.expression.text === 'require' &&
      init.arguments[0] &&
      ts.isStringLiteralLike(init.arguments[0]) &&
      init.arguments[0].text === 'bullmq';
    if (!required) continue;
    if (ts.isIdentifier(declaration.name)) namespaces.add(declaration.name.text);
    if (!ts.isObjectBindingPattern(declaration.name)) continue;
    for (const element of declaration.name.elements) {
      const imported = (element.propertyName ?? element.name).getText();
      if (imported === 'Worker' && ts.isIdentifier(element.name)) names.add(element.name.text);
    }
  }
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
  if (!/\.[cm]?[jt]sx?$/.test(joined)) return undefined;
  const specifier = joined.startsWith('.') || path.isAbsolute(joined) ? joined : `./${joined}`;
  return resolveImport(fromFile, specifier, project.fileNames);
}

function processorFileRoots(project: ScannedProject, sourceFile: ts.SourceFile): ProcessorRoot[] {
  const defaults: ProcessorRoot[] = [];
  const exported: ProcessorRoot[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const fn = processorFunction(project, statement.expression);
      if (fn) defaults.push({ fn, registeredAt: statement, source: 'sandboxed-file' });
    }
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    const isExported = modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (isExported && ts.isFunctionDeclaration(statement) && statement.body) {
      (isDefault ? defaults : exported).push({ fn: statement, registeredAt: statement, source: 'sandboxed-file' });
    }
    if (isExported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
        if (initializer && isCallableNode(initializer)) exported.push({ fn: initializer, registeredAt: declaration, source: 'sandboxed-file' });
      }
    }
  }
  return defaults.length > 0 ? defaults : exported;
}
