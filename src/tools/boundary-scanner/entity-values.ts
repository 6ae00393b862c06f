/**
 * Which entity an expression holds (a single entity or a list of them — the
 * rules treat both alike), judged from what the code declares:
 *
 * - a variable/parameter/property annotated with an entity type;
 * - a variable initialised from `em.findOne(Task, …)`, `em.create(Task, …)`,
 *   `repo.find(…)` where `repo = em.getRepository(Task)`, `new Task()`, or a
 *   project function whose declared return type is an entity;
 * - `task.project` when `project` is a relation of Task; `ref.$`, `ref.unwrap()`;
 * - the element parameter of `tasks.map(t => …)` / `for (const t of tasks)`.
 *
 * Types inferred by TypeScript from library signatures are not seen.
 */
import ts from 'typescript';
import { relationTarget, type EntityInfo } from './entity-index.js';
import { entityNamedBy, entityOfEntityArgument, type EntityScope } from './entity-lookup.js';
import { entityInType } from './entity-types.js';
import { declarationsOf, resolveCallable, skipOuterExpressions } from './symbols.js';

/** EntityManager methods whose first argument names the entity they return. */
const ENTITY_MANAGER_METHODS = new Set([
  'findOne',
  'findOneOrFail',
  'find',
  'findAll',
  'findAndCount',
  'findByCursor',
  'create',
  'getReference',
  'merge',
  'upsert',
  'upsertMany',
  'refresh',
  'refreshOrFail',
]);
/** EntityRepository methods returning the repository's entity. */
const REPOSITORY_METHODS = new Set(['findOne', 'findOneOrFail', 'find', 'findAll', 'findAndCount', 'create', 'getReference', 'merge', 'upsert', 'upsertMany']);
/** Methods on a Ref/Collection that hand back the entity it wraps. */
const UNWRAPPING_METHODS = new Set(['unwrap', 'getEntity', 'load', 'loadOrFail', 'getItems', 'loadItems']);
/** Array methods whose callback's first parameter is an element of the receiver. */
export const ELEMENT_CALLBACK_METHODS = new Set(['map', 'flatMap', 'forEach', 'filter', 'find', 'some', 'every', 'findLast']);

const MAX_DEPTH = 8;

export function entityOfExpression(scope: EntityScope, expression: ts.Expression, depth = 0): EntityInfo | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const next = (e: ts.Expression | undefined) => (e ? entityOfExpression(scope, e, depth + 1) : undefined);
  if (ts.isAsExpression(expression) || ts.isTypeAssertionExpression(expression)) {
    return ts.isConstTypeReference(expression.type) ? next(expression.expression) : entityInType(scope, expression.type);
  }
  const node = skipOuterExpressions(expression);
  if (node !== expression) return next(node);
  if (ts.isIdentifier(node)) return entityOfIdentifier(scope, node, depth);
  if (ts.isPropertyAccessExpression(node)) {
    if (node.name.text === '$') return next(node.expression);
    const owner = next(node.expression);
    const relation = owner?.relations.get(node.name.text);
    if (relation) return relationTarget(scope.entities, relation);
    return owner ? undefined : entityOfMember(scope, node.name, depth);
  }
  if (ts.isCallExpression(node)) return entityOfCall(scope, node, depth);
  if (ts.isNewExpression(node)) return entityNamedBy(scope, node.expression);
  if (ts.isElementAccessExpression(node)) return next(node.expression);
  if (ts.isConditionalExpression(node)) return next(node.whenTrue) ?? next(node.whenFalse);
  if (ts.isBinaryExpression(node) && isFallbackOperator(node.operatorToken.kind)) return next(node.right) ?? next(node.left);
  return undefined;
}

/** `X.getRepository(Task)`, a variable holding one, or `EntityRepository<Task>`-typed. */
export function repositoryEntity(scope: EntityScope, expression: ts.Expression, depth = 0): EntityInfo | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = skipOuterExpressions(expression);
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    return node.expression.name.text === 'getRepository' ? entityOfEntityArgument(scope, node.arguments[0]) : undefined;
  }
  const name = ts.isPropertyAccessExpression(node) ? node.name : node;
  if (!ts.isIdentifier(name)) return undefined;
  for (const declaration of declarationsOf(scope.project, name)) {
    if (!hasTypeOrInitializer(declaration)) continue;
    const { type, initializer } = declaration;
    if (type && ts.isTypeReferenceNode(type) && type.typeArguments?.[0]) return entityInType(scope, type.typeArguments[0]);
    if (initializer) return repositoryEntity(scope, initializer, depth + 1);
  }
  return undefined;
}

function entityOfIdentifier(scope: EntityScope, node: ts.Identifier, depth: number): EntityInfo | undefined {
  for (const declaration of declarationsOf(scope.project, node)) {
    if (!scope.project.fileNames.has(declaration.getSourceFile().fileName)) continue;
    // The class or schema itself (`Task` in `em.find(Task)`) is not an instance.
    if (scope.entities.declarations.has(declaration)) return undefined;
    if (ts.isParameter(declaration) && !declaration.type) return elementOfCallback(scope, declaration, depth);
    if (ts.isVariableDeclaration(declaration) && !declaration.type && !declaration.initializer) {
      return elementOfForOf(scope, declaration, depth);
    }
    if (hasTypeOrInitializer(declaration)) {
      if (declaration.type) return entityInType(scope, declaration.type);
      if (declaration.initializer) return entityOfExpression(scope, declaration.initializer, depth + 1);
    }
  }
  return undefined;
}

/** `ctx.task` where `ctx: { task: Task }` or a class field typed `Task`. */
function entityOfMember(scope: EntityScope, name: ts.MemberName, depth: number): EntityInfo | undefined {
  for (const declaration of declarationsOf(scope.project, name)) {
    if (!scope.project.fileNames.has(declaration.getSourceFile().fileName)) continue;
    if (!hasTypeOrInitializer(declaration)) continue;
    if (declaration.type) return entityInType(scope, declaration.type);
    if (declaration.initializer) return entityOfExpression(scope, declaration.initializer, depth + 1);
  }
  return undefined;
}

function entityOfCall(scope: EntityScope, call: ts.CallExpression, depth: number): EntityInfo | undefined {
  const callee = skipOuterExpressions(call.expression);
  const [first] = call.arguments;
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    if (ENTITY_MANAGER_METHODS.has(method)) {
      const named = entityOfEntityArgument(scope, first);
      if (named) return named;
    }
    if (REPOSITORY_METHODS.has(method)) {
      const fromRepository = repositoryEntity(scope, callee.expression, depth + 1);
      if (fromRepository) return fromRepository;
    }
    if (UNWRAPPING_METHODS.has(method)) return entityOfExpression(scope, callee.expression, depth + 1);
    if (method === 'create' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Reference' && first) {
      return entityOfExpression(scope, first, depth + 1);
    }
  }
  if (ts.isIdentifier(callee) && callee.text === 'ref' && first) {
    return entityOfEntityArgument(scope, first) ?? entityOfExpression(scope, first, depth + 1);
  }
  const callable = resolveCallable(scope.project, callee);
  return callable?.type ? entityInType(scope, callable.type) : undefined;
}

/** `tasks.map((t) => …)`: an unannotated first parameter is an element of `tasks`. */
function elementOfCallback(scope: EntityScope, parameter: ts.ParameterDeclaration, depth: number): EntityInfo | undefined {
  const callback = parameter.parent;
  if (callback.parameters[0] !== parameter) return undefined;
  const call = callback.parent;
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  if (!ELEMENT_CALLBACK_METHODS.has(call.expression.name.text)) return undefined;
  return entityOfExpression(scope, call.expression.expression, depth + 1);
}

/** `for (const t of tasks)`: `t` is an element of `tasks`. */
function elementOfForOf(scope: EntityScope, declaration: ts.VariableDeclaration, depth: number): EntityInfo | undefined {
  const statement = declaration.parent.parent;
  return ts.isForOfStatement(statement) ? entityOfExpression(scope, statement.expression, depth + 1) : undefined;
}

type Typed = ts.Declaration & { type?: ts.TypeNode; initializer?: ts.Expression };

function hasTypeOrInitializer(declaration: ts.Declaration): declaration is Typed {
  return (
    ts.isVariableDeclaration(declaration) ||
    ts.isParameter(declaration) ||
    ts.isPropertyDeclaration(declaration) ||
    ts.isPropertySignature(declaration) ||
    ts.isPropertyAssignment(declaration)
  );
}

function isFallbackOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.AmpersandAmpersandToken;
}
