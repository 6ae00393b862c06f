/**
 * Entities inside a value that is about to be serialised: the value itself, an
 * object literal property (`{ task }`, `{ t: task }`, `{ ...task }`), an array
 * element, what a `.map()` callback returns, or the literal a local variable
 * was initialised with (`const data = { task }; queue.add('x', data)`).
 */
import ts from 'typescript';
import type { EntityInfo } from './entity-index.js';
import type { EntityScope } from './entity-lookup.js';
import { entityOfExpression } from './entity-values.js';
import { declarationsOf, skipOuterExpressions } from './symbols.js';

export interface ContainedEntity {
  /** The expression holding the entity, inside the inspected value where possible. */
  node: ts.Expression;
  entity: EntityInfo;
}

const MAX_DEPTH = 6;

export function containedEntities(scope: EntityScope, value: ts.Expression, depth = 0): ContainedEntity[] {
  if (depth > MAX_DEPTH) return [];
  const direct = entityOfExpression(scope, value);
  if (direct) return [{ node: value, entity: direct }];
  const inner = (e: ts.Expression) => containedEntities(scope, e, depth + 1);
  const node = skipOuterExpressions(value);
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.flatMap((property) => {
      if (ts.isPropertyAssignment(property)) return inner(property.initializer);
      if (ts.isShorthandPropertyAssignment(property)) return inner(property.name);
      if (ts.isSpreadAssignment(property)) return inner(property.expression);
      return [];
    });
  }
  if (ts.isArrayLiteralExpression(node)) {
    return node.elements.flatMap((element) => inner(ts.isSpreadElement(element) ? element.expression : element));
  }
  if (ts.isConditionalExpression(node)) return [...inner(node.whenTrue), ...inner(node.whenFalse)];
  if (ts.isCallExpression(node)) return returnedByMapCallback(node).flatMap(inner);
  if (ts.isIdentifier(node)) {
    // Reported at the identifier: that is the line where the data leaves.
    return literalInitializerOf(scope, node)
      .flatMap(inner)
      .map(({ entity }) => ({ node: value, entity }));
  }
  return [];
}

/** `items.map((t) => ({ task: t }))` → the returned expressions. */
export function returnedByMapCallback(call: ts.CallExpression): ts.Expression[] {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !['map', 'flatMap'].includes(callee.name.text)) return [];
  const callback = call.arguments[0];
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return [];
  if (!ts.isBlock(callback.body)) return [callback.body];
  const returned: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(callback.body, visit);
  return returned;
}

/** The object/array literal an unannotated local was initialised with. */
function literalInitializerOf(scope: EntityScope, identifier: ts.Identifier): ts.Expression[] {
  return declarationsOf(scope.project, identifier).flatMap((declaration) => {
    if (!ts.isVariableDeclaration(declaration) || declaration.type || !declaration.initializer) return [];
    const initializer = skipOuterExpressions(declaration.initializer);
    const isLiteral = ts.isObjectLiteralExpression(initializer) || ts.isArrayLiteralExpression(initializer);
    return isLiteral || ts.isCallExpression(initializer) ? [initializer] : [];
  });
}
