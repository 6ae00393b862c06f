/**
 * "Does this name denote one of the project's entities?" An identifier counts
 * when it resolves to an entity declaration in the project (through imports and
 * renames). When the import cannot be resolved at all — a path alias such as
 * `#entities/task.js` — the imported name is matched against the entity names,
 * but only for non-package specifiers or the scanned monorepo's own packages
 * (`@acme/database`, named by a package.json in the tree): an `Entity` type
 * from some npm package is never ours.
 */
import ts from 'typescript';
import type { EntityIndex, EntityInfo } from './entity-index.js';
import { isWorkspaceSpecifier, type ScannedProject } from './scanned-project.js';
import { declarationsOf, unresolvedImportOf } from './symbols.js';

export interface EntityScope {
  project: ScannedProject;
  entities: EntityIndex;
}

const LOCAL_SPECIFIER = /^(\.|\/|#|~\/|@\/)/;

export function entityNamedBy(scope: EntityScope, node: ts.EntityName | ts.Expression): EntityInfo | undefined {
  const identifier = ts.isQualifiedName(node) ? node.right : ts.isPropertyAccessExpression(node) ? node.name : node;
  if (!ts.isIdentifier(identifier)) return undefined;
  const declarations = declarationsOf(scope.project, identifier);
  for (const declaration of declarations) {
    const entity = scope.entities.declarations.get(declaration);
    if (entity) return entity;
  }
  if (declarations.length > 0) return undefined;
  const imported = unresolvedImportOf(scope.project, identifier);
  if (imported && (LOCAL_SPECIFIER.test(imported.specifier) || isWorkspaceSpecifier(scope.project, imported.specifier)))
    return scope.entities.byName.get(imported.importedName);
  return undefined;
}

/** Entity named by an `em.find(X, ...)`-style first argument: a class, a schema constant or a string name. */
export function entityOfEntityArgument(scope: EntityScope, argument: ts.Expression | undefined): EntityInfo | undefined {
  if (!argument) return undefined;
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) {
    return scope.entities.byName.get(argument.text);
  }
  if (ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument)) return entityNamedBy(scope, argument);
  return undefined;
}

/**
 * `typeof Task` alone is the class or schema object, not an entity; it denotes
 * an instance only as `InferEntity<typeof Task>` or `(typeof Task)['~entity']`.
 */
export function entityOfTypeQuery(scope: EntityScope, query: ts.TypeQueryNode): EntityInfo | undefined {
  let position: ts.Node = query;
  while (ts.isParenthesizedTypeNode(position.parent)) position = position.parent;
  const parent = position.parent;
  const inferred = ts.isTypeReferenceNode(parent) && (ts.isIdentifier(parent.typeName) ? parent.typeName.text : parent.typeName.right.text) === 'InferEntity';
  const indexed =
    ts.isIndexedAccessTypeNode(parent) &&
    parent.objectType === position &&
    ts.isLiteralTypeNode(parent.indexType) &&
    ts.isStringLiteral(parent.indexType.literal) &&
    parent.indexType.literal.text === '~entity';
  return inferred || indexed ? entityNamedBy(scope, query.exprName) : undefined;
}
