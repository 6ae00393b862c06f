/**
 * Rule `global-em-in-processor`: code that runs inside a processor uses the
 * global EntityManager `orm.em` (or destructures `{ em }` from the ORM) instead
 * of a per-job fork.
 *
 * The global em's identity map is shared by every job the worker runs
 * concurrently: entities leak between jobs, memory grows without bound, and one
 * job's flush writes another's changes (MikroORM refuses it outright unless
 * `allowGlobalContext` is set). `const em = orm.em.fork()` per job fixes it.
 *
 * "The ORM" is a receiver named `orm` (`orm.em`, `this.orm.em`, `deps.orm.em`),
 * or a variable, parameter or property declared as `MikroORM` or initialised
 * by `MikroORM.init()` / `new MikroORM()`.
 */
import ts from 'typescript';
import type { Finding } from '../finding.js';
import { findingAt, locationOf } from '../scanned-project.js';
import { type ScanContext, snippet } from '../scan-context.js';
import { declarationsOf, forEachDescendant, skipOuterExpressions } from '../symbols.js';

export function checkGlobalEmInProcessor(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<ts.Node>();
  for (const { fn, root } of context.reached.values()) {
    if (!fn.body) continue;
    const processor = locationOf(context.project, root.registeredAt);
    forEachDescendant(fn, (node) => {
      const use = globalEmUse(context, node);
      if (!use || seen.has(use)) return;
      seen.add(use);
      findings.push(
        findingAt(
          context.project,
          use,
          'global-em-in-processor',
          `\`${snippet(use, 40)}\` uses the global EntityManager inside a BullMQ processor (${processor}); ` +
            'concurrent jobs would share one identity map — fork per job: `const em = orm.em.fork()`',
        ),
      );
    });
  }
  return findings;
}

/** The offending node: `orm.em` not followed by `.fork`, or `{ em } = orm`. */
function globalEmUse(context: ScanContext, node: ts.Node): ts.Node | undefined {
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'em' && isOrm(context, node.expression)) {
    const parent = node.parent;
    const forked = ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name.text === 'fork';
    return forked ? undefined : node;
  }
  if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
    const takesEm = node.name.elements.some((element) => (element.propertyName ?? element.name).getText() === 'em');
    return takesEm && isOrm(context, node.initializer) ? node : undefined;
  }
  return undefined;
}

function isOrm(context: ScanContext, expression: ts.Expression): boolean {
  const node = skipOuterExpressions(expression);
  const name = ts.isPropertyAccessExpression(node) ? node.name : node;
  if (!ts.isIdentifier(name)) return false;
  if (name.text === 'orm') return true;
  return declarationsOf(context.project, name).some((declaration) => {
    const { type, initializer } = declaration as { type?: ts.TypeNode; initializer?: ts.Expression };
    if (type && /\bMikroORM\b/.test(type.getText())) return true;
    const init = initializer && skipOuterExpressions(initializer);
    if (!init) return false;
    if (ts.isNewExpression(init)) return /\bMikroORM$/.test(init.expression.getText());
    return ts.isCallExpression(init) && /\bMikroORM\.init$/.test(init.expression.getText());
  });
}
