/**
 * Reading relation metadata out of the syntax MikroORM accepts, shared by the
 * decorator, `defineEntity` and `EntitySchema` readers. Everything here is
 * syntactic: a target written as a thunk, a string or an identifier is read as
 * text, never evaluated.
 */
import ts from 'typescript';
import type { RelationKind } from './entity-index.js';

/** Decorator or builder name → relation kind (`ManyToOne`, `manyToOne`, ...). */
export function relationKindOfName(name: string): RelationKind | undefined {
  switch (name.toLowerCase()) {
    case 'manytoone':
      return 'm:1';
    case 'onetoone':
      return '1:1';
    case 'onetomany':
      return '1:m';
    case 'manytomany':
      return 'm:n';
    default:
      return undefined;
  }
}

/** `kind`/`reference` option value: `'m:1'` or `ReferenceKind.MANY_TO_ONE` (v6/v7) / `ReferenceType.X` (v5). */
export function relationKindOfOption(value: ts.Expression): RelationKind | undefined {
  if (ts.isStringLiteral(value)) {
    const kinds: readonly string[] = ['m:1', '1:1', '1:m', 'm:n'];
    return kinds.includes(value.text) ? (value.text as RelationKind) : undefined;
  }
  if (ts.isPropertyAccessExpression(value)) return relationKindOfName(value.name.text.replace(/_/g, ''));
  return undefined;
}

/** `() => Project`, `'Project'`, `Project`, `() => [A, B]` → the (first) target name. */
export function targetName(expression: ts.Expression | undefined): string | undefined {
  if (!expression) return undefined;
  if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
    const body = ts.isBlock(expression.body) ? returnedExpression(expression.body) : expression.body;
    return targetName(body);
  }
  if (ts.isParenthesizedExpression(expression)) return targetName(expression.expression);
  if (ts.isArrayLiteralExpression(expression)) return targetName(expression.elements[0]);
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (ts.isIdentifier(expression)) return expression.text;
  return undefined;
}

/** The value of `name: ...` in an object literal, if written as a plain property. */
export function optionValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** True when `name: true` (or any non-`false` literal) is set in an object literal. */
export function isFlagSet(object: ts.ObjectLiteralExpression, name: string): boolean {
  const value = optionValue(object, name);
  return value !== undefined && value.kind !== ts.SyntaxKind.FalseKeyword;
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  // Computed and private names are not entity properties MikroORM would map.
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function returnedExpression(block: ts.Block): ts.Expression | undefined {
  for (const statement of block.statements) if (ts.isReturnStatement(statement)) return statement.expression;
  return undefined;
}
