/**
 * Workers built through a project helper:
 * `createWorker(queue, processor) { return new Worker(queue, processor, opts) }`.
 * The helper's parameter is what `new Worker` receives, so whatever each call
 * site passes in that position is the processor. Helpers of helpers are
 * followed a few levels deep.
 *
 * A call site binds to a helper when the checker resolves the callee to it, or
 * — for a helper exported from another package of a monorepo and imported
 * through a package name the scanner cannot resolve (`@acme/queue`) — when the
 * imported name is the helper's exported name.
 */
import ts from 'typescript';
import type { ScannedProject } from './scanned-project.js';
import {
  type CallableNode,
  calleeName,
  declarationsOf,
  forEachDescendant,
  isCallableNode,
  resolveCallable,
  skipOuterExpressions,
  unresolvedImportOf,
} from './symbols.js';

export interface WorkerWrapper {
  fn: CallableNode;
  name: string;
  /** Index of the parameter that ends up as `new Worker`'s processor. */
  processorIndex: number;
}

/** When `argument` is a parameter of a named enclosing function, that function as a wrapper. */
export function wrapperOf(project: ScannedProject, argument: ts.Expression): WorkerWrapper | undefined {
  const node = skipOuterExpressions(argument);
  if (!ts.isIdentifier(node)) return undefined;
  const parameter = declarationsOf(project, node).find(ts.isParameter);
  if (!parameter || !isCallableNode(parameter.parent)) return undefined;
  const fn = parameter.parent;
  const name = functionName(fn);
  return name ? { fn, name, processorIndex: fn.parameters.indexOf(parameter) } : undefined;
}

export interface WrapperCall {
  call: ts.CallExpression;
  wrapper: WorkerWrapper;
  /** The expression passed as the processor. */
  argument: ts.Expression;
}

/** Calls to any of `wrappers` in the project. */
export function wrapperCalls(project: ScannedProject, wrappers: readonly WorkerWrapper[]): WrapperCall[] {
  const byName = new Map<string, WorkerWrapper[]>();
  for (const wrapper of wrappers) byName.set(wrapper.name, [...(byName.get(wrapper.name) ?? []), wrapper]);
  const calls: WrapperCall[] = [];
  for (const sourceFile of project.sourceFiles) {
    // Cheap text test first: most files never mention a wrapper.
    if (![...byName.keys()].some((name) => sourceFile.text.includes(name))) continue;
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isCallExpression(node)) return;
      const name = calleeName(node.expression);
      const candidates = name ? byName.get(name) : undefined;
      if (!candidates) return;
      const wrapper = boundWrapper(project, node.expression, candidates);
      const argument = wrapper && node.arguments[wrapper.processorIndex];
      if (wrapper && argument) calls.push({ call: node, wrapper, argument });
    });
  }
  return calls;
}

function boundWrapper(project: ScannedProject, callee: ts.Expression, candidates: readonly WorkerWrapper[]): WorkerWrapper | undefined {
  const resolved = resolveCallable(project, callee);
  if (resolved) return candidates.find((w) => w.fn === resolved);
  if (!ts.isIdentifier(callee)) return undefined;
  const imported = unresolvedImportOf(project, callee);
  if (!imported || declarationsOf(project, callee).length > 0) return undefined;
  return candidates.find((w) => w.name === imported.importedName && isExported(w.fn));
}

function functionName(fn: CallableNode): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  return undefined;
}

function isExported(fn: CallableNode): boolean {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  const modifiers = ts.canHaveModifiers(holder) ? (ts.getModifiers(holder) ?? []) : [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}
