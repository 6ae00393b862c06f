/**
 * "Is, or contains, an entity" for a written type: `Task`, `Task[]`,
 * `Loaded<Task, 'project'>`, `Ref<Task>`, `Collection<Task>`, `Task | null`,
 * `{ task: Task }`, or a project interface/alias with an entity-typed field.
 *
 * Function types and method signatures are not looked into (a callback that
 * *returns* a Task is not a Task), nor are wrappers that denote plain data or
 * the entity class rather than an instance (`EntityDTO<Task>`, `EntityName<Task>`).
 */
import ts from 'typescript';
import type { EntityInfo } from './entity-index.js';
import { entityNamedBy, entityOfTypeQuery, type EntityScope } from './entity-lookup.js';
import { declarationsOf } from './symbols.js';

/** Generic wrappers whose type argument is not carried as an entity instance. */
const NOT_AN_INSTANCE = new Set([
  'EntityDTO',
  'EntityData',
  'RequiredEntityData',
  'FilterQuery',
  'EntityName',
  'EntityClass',
  'EntityCtor',
  'EntityKey',
  'EntityRepository',
  'Primary',
  'AutoPath',
  'Populate',
  'FindOptions',
  'FindOneOptions',
  'Constructor',
]);

export function entityInType(scope: EntityScope, type: ts.TypeNode | undefined): EntityInfo | undefined {
  if (!type) return undefined;
  const expanded = new Set<ts.Node>();
  let found: EntityInfo | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isFunctionTypeNode(node) || ts.isConstructorTypeNode(node) || ts.isMethodSignature(node)) return;
    if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.KeyOfKeyword) return;
    if (ts.isTypeQueryNode(node)) {
      found = entityOfTypeQuery(scope, node);
      return;
    }
    if (ts.isIndexedAccessTypeNode(node)) {
      // `Task['id']` is a field type; only `(typeof Task)['~entity']` is an entity (checked at the query).
      visit(node.objectType);
      return;
    }
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      found = entityNamedBy(scope, name);
      if (found || NOT_AN_INSTANCE.has(lastName(name))) return;
      for (const declaration of declarationsOf(scope.project, name)) expand(declaration);
      node.typeArguments?.forEach(visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  // Project interfaces and aliases are opened (once each), so `data: TaskJobData`
  // with `task: Task` inside counts. Classes are not: a service class is not data.
  const expand = (declaration: ts.Declaration): void => {
    if (expanded.has(declaration) || !scope.project.fileNames.has(declaration.getSourceFile().fileName)) return;
    expanded.add(declaration);
    if (ts.isInterfaceDeclaration(declaration)) {
      declaration.heritageClauses?.forEach((clause) => clause.types.forEach(visit));
      declaration.members.forEach(visit);
    } else if (ts.isTypeAliasDeclaration(declaration)) {
      visit(declaration.type);
    } else if (ts.isTypeParameterDeclaration(declaration) && declaration.constraint) {
      visit(declaration.constraint);
    }
  };
  visit(type);
  return found;
}

function lastName(name: ts.Node): string {
  if (ts.isIdentifier(name)) return name.text;
  if (ts.isQualifiedName(name)) return name.right.text;
  if (ts.isPropertyAccessExpression(name)) return name.name.text;
  return '';
}
