/**
 * Where processor code runs inside a unit of work of its own — a MikroORM
 * request context or transaction — so that the global or injected
 * EntityManager resolves to a per-job fork (MikroORM's `em.getContext()` looks
 * up the current RequestContext / TransactionContext before falling back to
 * the global identity map):
 *
 * - a method decorated `@CreateRequestContext()`, `@EnsureRequestContext()`,
 *   `@UseRequestContext()` (MikroORM 5) or `@Transactional()`;
 * - the callback of `RequestContext.create(em, cb)` / `createAsync`,
 *   `TransactionContext.create(...)`, or `em.transactional(cb)`;
 * - everything called from there, across files.
 *
 * `reachWithoutUnitOfWork` walks what the processors call (the same call
 * following as processor-reach.ts) and keeps the functions reachable on at
 * least one path that never entered such a scope, with, for each, which of
 * its nodes lie outside one.
 */
import ts from 'typescript';
import { implementationsOf } from './implementations.js';
import type { ScannedProject } from './scanned-project.js';
import { type CallableNode, calleeName, isCallableNode, resolveCallable } from './symbols.js';
import type { ProcessorRoot } from './worker-discovery.js';

const CONTEXT_DECORATOR = /^(CreateRequestContext|EnsureRequestContext|UseRequestContext|Transactional)$/;
const CONTEXT_FACTORY = /\b(RequestContext|TransactionContext)\.(create|createAsync)$/;

export interface UncoveredFunction {
  fn: CallableNode;
  root: ProcessorRoot;
}

/** True when the callable itself opens a request context (by decorator). */
export function opensUnitOfWork(fn: CallableNode): boolean {
  const decorators = (ts.canHaveDecorators(fn) && ts.getDecorators(fn)) || [];
  return decorators.some((d) => {
    const expression = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    const name = calleeName(expression);
    return !!name && CONTEXT_DECORATOR.test(name);
  });
}

/** True when `call` runs its callback arguments in a unit of work. */
export function isUnitOfWorkCall(call: ts.CallExpression): boolean {
  return CONTEXT_FACTORY.test(call.expression.getText()) || calleeName(call.expression) === 'transactional';
}

/** True when `node`, inside `fn`, lies in a callback passed to a unit-of-work call. */
export function insideUnitOfWork(node: ts.Node, fn: ts.Node): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (isCallableNode(current) && ts.isCallExpression(current.parent) && current.parent.arguments.includes(current as ts.Expression)) {
      if (isUnitOfWorkCall(current.parent)) return true;
    }
  }
  return false;
}

/**
 * Functions (by node) that some processor reaches without a unit of work on
 * the way. Uses inside a unit-of-work callback of such a function are still
 * covered: check them with `insideUnitOfWork`.
 */
export function reachWithoutUnitOfWork(project: ScannedProject, roots: readonly ProcessorRoot[]): Map<ts.Node, UncoveredFunction> {
  const uncovered = new Map<ts.Node, UncoveredFunction>();
  const queue: UncoveredFunction[] = roots.map((root) => ({ fn: root.fn, root }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    if (uncovered.has(item.fn) || opensUnitOfWork(item.fn)) continue;
    uncovered.set(item.fn, item);
    if (!item.fn.body) continue;
    const { fn, root } = item;
    ts.forEachChild(fn, function walk(node) {
      if (ts.isCallExpression(node) && isUnitOfWorkCall(node)) {
        // Its callbacks run in a fork; only the receiver and non-callback arguments run outside.
        walk(node.expression);
        for (const argument of node.arguments) if (!isCallableNode(argument)) walk(argument);
        return;
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = resolveCallable(project, node.expression);
        if (callee) queue.push({ fn: callee, root });
        else for (const implementation of implementationsOf(project, node.expression)) queue.push({ fn: implementation, root });
        for (const argument of node.arguments ?? []) {
          if (!ts.isIdentifier(argument) && !ts.isPropertyAccessExpression(argument)) continue;
          const passed = resolveCallable(project, argument);
          if (passed) queue.push({ fn: passed, root });
        }
      }
      ts.forEachChild(node, walk);
    });
  }
  return uncovered;
}
