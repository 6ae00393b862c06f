/**
 * Everything a processor can call, transitively, within the project: the code
 * that runs with a BullMQ job in hand. Calls are followed when the callee
 * resolves to a project function (by name, through imports, or a method the
 * checker can place on a project class); functions passed as arguments
 * (`items.map(toDto)`) count as called. Callbacks nested in a reached body are
 * reached too. A call through an interface reaches the project classes that
 * implement it (implementations.ts); dispatch through library types is not
 * followed.
 */
import ts from 'typescript';
import { implementationsOf } from './implementations.js';
import type { ScannedProject } from './scanned-project.js';
import { type CallableNode, forEachDescendant, isCallableNode, resolveCallable } from './symbols.js';
import type { ProcessorRoot } from './worker-discovery.js';

export interface ReachedFunction {
  fn: CallableNode;
  /** The processor through which it is reached (the first one found). */
  root: ProcessorRoot;
}

export function reachFromProcessors(project: ScannedProject, roots: readonly ProcessorRoot[]): Map<ts.Node, ReachedFunction> {
  const reached = new Map<ts.Node, ReachedFunction>();
  const queue: ReachedFunction[] = roots.map((root) => ({ fn: root.fn, root }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    if (reached.has(item.fn)) continue;
    reached.set(item.fn, item);
    if (!item.fn.body) continue;
    const { root } = item;
    forEachDescendant(item.fn, (node) => {
      if (isCallableNode(node) && !reached.has(node)) reached.set(node, { fn: node, root });
      if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return;
      const callee = resolveCallable(project, node.expression);
      if (callee) queue.push({ fn: callee, root });
      else for (const implementation of implementationsOf(project, node.expression)) queue.push({ fn: implementation, root });
      for (const argument of node.arguments ?? []) {
        if (!ts.isIdentifier(argument) && !ts.isPropertyAccessExpression(argument)) continue;
        const passed = resolveCallable(project, argument);
        if (passed) queue.push({ fn: passed, root });
      }
    });
  }
  return reached;
}
