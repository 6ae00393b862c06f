/**
 * Identifier → declaration lookups inside the scanned project. Thin wrappers
 * over the checker that chase import aliases and never throw: an identifier
 * that comes from a package (not part of the program) simply has no
 * declarations, and every rule treats that as "not ours, not an entity".
 */
import ts from 'typescript';
import type { ScannedProject } from './scanned-project.js';

/** Declarations an identifier (or qualified name) refers to, with import aliases followed. */
export function declarationsOf(project: ScannedProject, node: ts.Node): readonly ts.Declaration[] {
  const { checker } = project;
  let symbol =
    ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
      ? checker.getShorthandAssignmentValueSymbol(node.parent)
      : checker.getSymbolAtLocation(ts.isQualifiedName(node) ? node.right : node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations ?? [];
}

/**
 * When an import could not be resolved (path aliases such as `#entities/x.js`
 * or `@/entities`), the name it imports and the specifier it comes from, so
 * callers can fall back to matching by name.
 */
export function unresolvedImportOf(project: ScannedProject, node: ts.Identifier): { importedName: string; specifier: string } | undefined {
  const symbol = project.checker.getSymbolAtLocation(node);
  const declaration = symbol?.declarations?.[0];
  if (!declaration || !ts.isImportSpecifier(declaration)) return undefined;
  const importDeclaration = declaration.parent.parent.parent;
  if (!ts.isStringLiteral(importDeclaration.moduleSpecifier)) return undefined;
  return {
    importedName: (declaration.propertyName ?? declaration.name).text,
    specifier: importDeclaration.moduleSpecifier.text,
  };
}

export type CallableNode = ts.FunctionDeclaration | ts.MethodDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.ConstructorDeclaration;

export function isCallableNode(node: ts.Node): node is CallableNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/**
 * The project function an expression names: `helper`, `ns.helper`,
 * `service.method` (when the checker can see the receiver's local class), or a
 * class (→ its constructor). Undefined for anything defined outside the project.
 */
export function resolveCallable(project: ScannedProject, expression: ts.Expression): CallableNode | undefined {
  let target: ts.Node = expression;
  while (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target)) target = target.expression;
  if (ts.isPropertyAccessExpression(target)) target = target.name;
  if (!ts.isIdentifier(target) && !ts.isPrivateIdentifier(target)) return undefined;
  for (const declaration of declarationsOf(project, target)) {
    if (!project.fileNames.has(declaration.getSourceFile().fileName)) continue;
    if (isCallableNode(declaration) && declaration.body) return declaration;
    if ((ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) && declaration.initializer) {
      const initializer = skipOuterExpressions(declaration.initializer);
      if (isCallableNode(initializer)) return initializer;
    }
    if (ts.isPropertyDeclaration(declaration) && declaration.initializer) {
      const initializer = skipOuterExpressions(declaration.initializer);
      if (isCallableNode(initializer)) return initializer;
    }
    if (ts.isClassDeclaration(declaration)) {
      return declaration.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
    }
  }
  return undefined;
}

/** What a project variable was initialised with: `processor` in `const processor = createProcessor(deps)`. */
export function variableInitializer(project: ScannedProject, expression: ts.Expression): ts.Expression | undefined {
  const name = ts.isPropertyAccessExpression(expression) ? expression.name : expression;
  for (const declaration of declarationsOf(project, name)) {
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) return declaration.initializer;
  }
  return undefined;
}

/** Strips parentheses, `await`, `!`, `as`/`satisfies` and type assertions. */
export function skipOuterExpressions(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAwaitExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** `a.b.c` → 'c'; `a` → 'a'; anything else → undefined. */
export function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/** Depth-first walk over every descendant of `node`. */
export function forEachDescendant(node: ts.Node, visit: (child: ts.Node) => void): void {
  ts.forEachChild(node, function walk(child) {
    visit(child);
    ts.forEachChild(child, walk);
  });
}
