/**
 * Rule `unpopulated-relation-access`: reading through a relation
 * (`task.motivationalState.motivationType`) of an entity that the same function
 * loaded with `em.findOne/findOneOrFail/find/findAll` (or the repository
 * equivalents) without listing that relation in `populate`.
 *
 * An unpopulated to-one relation is a reference holding only its primary key:
 * other fields read as undefined (or `.$`/`.unwrap()` throw / return an empty
 * shell), and an uninitialised collection throws on access.
 *
 * Best effort; it cannot see:
 * - loads in other functions, and entities that arrive as parameters — a
 *   `Loaded<Task, 'rel'>` type from a caller is trusted, a plain `Task` is not
 *   second-guessed;
 * - populate/fields options that are not literals (those loads are skipped),
 *   `populateWhere`, and relations already in the identity map;
 * - order: an `em.populate(task, [...])`, `wrap(task).populate([...])` or
 *   `task.rel.load()` anywhere in the function counts as populating, even if it
 *   runs after the access, and an `isInitialized()` guard is not understood;
 * - relations declared on a base class, and iterating a collection directly
 *   (`for (const x of task.items)`).
 */
import ts from 'typescript';
import { type EntityInfo, primaryKeysOf, relationTarget } from '../entity-index.js';
import { entityOfEntityArgument } from '../entity-lookup.js';
import { ELEMENT_CALLBACK_METHODS, repositoryEntity } from '../entity-values.js';
import type { Finding } from '../finding.js';
import { optionValue } from '../relation-options.js';
import { findingAt, lineOf } from '../scanned-project.js';
import { type ScanContext, snippet } from '../scan-context.js';
import { forEachDescendant, skipOuterExpressions } from '../symbols.js';

/** Index of the options argument, by method, for `em.x(Entity, where, options)` and `repo.x(where, options)`. */
const EM_LOADS: Record<string, number> = { findOne: 2, findOneOrFail: 2, find: 2, findAll: 1 };
const REPOSITORY_LOADS: Record<string, number> = { findOne: 1, findOneOrFail: 1, find: 1, findAll: 0 };
/** Members that are fine on an unloaded reference or collection (loading it, or writing without reading). */
const SAFE_ON_UNLOADED = new Set([
  'load',
  'loadOrFail',
  'init',
  'isInitialized',
  'loadItems',
  'loadCount',
  'matching',
  'populated',
  'toReference',
  'add',
  'remove',
]);

type Populated = Set<string> | 'all';

interface Load {
  entity: EntityInfo;
  call: ts.CallExpression;
  method: string;
  populated: Populated;
}

/** A file can load an entity only if its text names one of the loading calls. */
const LOADING_TEXT = /\.find(One|OneOrFail|All)?\b/;

export function checkUnpopulatedRelationAccess(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<ts.Node>();
  for (const sourceFile of context.project.sourceFiles) {
    if (!LOADING_TEXT.test(sourceFile.text)) continue; // no find call, nothing loaded: skip the walk
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return;
      const load = loadOf(context, node.initializer);
      if (!load || load.populated === 'all') return;
      const scope = enclosingScope(node);
      const later = populatedLater(context, scope, node.name);
      if (later === 'all') return;
      const populated = new Set([...load.populated, ...later]);
      const report = (access: ts.PropertyAccessExpression, relation: string): void => {
        if (reported.has(access)) return;
        reported.add(access);
        findings.push(findingAt(context.project, access, 'unpopulated-relation-access', message(access, relation, load)));
      };
      trackAccesses(context, node.name, scope, load.entity, populated, report);
    });
  }
  return findings;
}

function loadOf(context: ScanContext, initializer: ts.Expression): Load | undefined {
  const call = skipOuterExpressions(initializer);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const method = call.expression.name.text;
  const emOptions = EM_LOADS[method];
  const fromEm = emOptions === undefined ? undefined : entityOfEntityArgument(context, call.arguments[0]);
  if (fromEm && emOptions !== undefined) return { entity: fromEm, call, method, populated: populatedBy(call.arguments[emOptions]) };
  const repositoryOptions = REPOSITORY_LOADS[method];
  const fromRepository = repositoryOptions === undefined ? undefined : repositoryEntity(context, call.expression.expression);
  if (fromRepository && repositoryOptions !== undefined) {
    return { entity: fromRepository, call, method, populated: populatedBy(call.arguments[repositoryOptions]) };
  }
  return undefined;
}

/** Top-level relation names a find options object loads; 'all' when it can't be read as literals. */
function populatedBy(options: ts.Expression | undefined): Populated {
  if (!options) return new Set();
  const object = skipOuterExpressions(options);
  if (!ts.isObjectLiteralExpression(object) || object.properties.some(ts.isSpreadAssignment)) return 'all';
  const relations = new Set<string>();
  for (const key of ['populate', 'fields']) {
    const value = optionValue(object, key);
    if (!value) continue;
    const paths = pathList(value);
    if (paths === 'all') return 'all';
    // `fields: ['rel.name']` joins `rel`; a bare `fields: ['rel']` selects only its foreign key.
    for (const path of paths) if (key === 'populate' || path.includes('.')) relations.add(path.split('.')[0] ?? path);
  }
  return relations;
}

function pathList(value: ts.Expression): string[] | 'all' {
  const node = skipOuterExpressions(value);
  if (node.kind === ts.SyntaxKind.FalseKeyword) return [];
  const items = ts.isArrayLiteralExpression(node) ? [...node.elements] : [node];
  const paths: string[] = [];
  for (const item of items) {
    if (!ts.isStringLiteralLike(item) || item.text.startsWith('*') || item.text === '$infer') return 'all';
    paths.push(item.text);
  }
  return paths;
}

/** `em.populate(task, [...])`, `wrap(task).populate([...])`, `task.rel.load()` anywhere in the scope. */
function populatedLater(context: ScanContext, scope: ts.Node, name: ts.Identifier): Set<string> | 'all' {
  const symbol = context.project.checker.getSymbolAtLocation(name);
  const refersToLoaded = (e: ts.Expression | undefined): boolean =>
    !!e && ts.isIdentifier(skipOuterExpressions(e)) && context.project.checker.getSymbolAtLocation(skipOuterExpressions(e)) === symbol;
  const relations = new Set<string>();
  let all = false;
  forEachDescendant(scope, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const method = node.expression.name.text;
    const receiver = skipOuterExpressions(node.expression.expression);
    if (method === 'populate') {
      const wrapped = ts.isCallExpression(receiver) && receiver.expression.getText() === 'wrap';
      const [target, list] = wrapped ? [receiver.arguments[0], node.arguments[0]] : [node.arguments[0], node.arguments[1]];
      if (!refersToLoaded(target) || !list) return;
      const paths = pathList(list);
      if (paths === 'all') all = true;
      else for (const path of paths) relations.add(path.split('.')[0] ?? path);
    }
    if (['load', 'loadOrFail', 'init', 'loadItems'].includes(method) && ts.isPropertyAccessExpression(receiver)) {
      if (refersToLoaded(receiver.expression)) relations.add(receiver.name.text);
    }
  });
  return all ? 'all' : relations;
}

/** Follows `name` through element access, `for…of` and array callbacks to `name.relation.field` reads. */
function trackAccesses(
  context: ScanContext,
  name: ts.Identifier,
  scope: ts.Node,
  entity: EntityInfo,
  populated: ReadonlySet<string>,
  report: (access: ts.PropertyAccessExpression, relation: string) => void,
): void {
  const { checker } = context.project;
  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return;
  forEachDescendant(scope, (node) => {
    if (!ts.isIdentifier(node) || node === name || node.text !== name.text || checker.getSymbolAtLocation(node) !== symbol) return;
    let holder: ts.Node = node;
    while (isTransparent(holder.parent, holder)) holder = holder.parent;
    const parent = holder.parent;
    if (ts.isForOfStatement(parent) && parent.expression === holder) {
      const element = ts.isVariableDeclarationList(parent.initializer) ? parent.initializer.declarations[0]?.name : undefined;
      if (element && ts.isIdentifier(element)) trackAccesses(context, element, parent.statement, entity, populated, report);
    }
    if (!ts.isPropertyAccessExpression(parent) || parent.expression !== holder) return;
    const member = parent.name.text;
    const callback = ts.isCallExpression(parent.parent) ? parent.parent.arguments[0] : undefined;
    if (ELEMENT_CALLBACK_METHODS.has(member) && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
      const element = callback.parameters[0]?.name;
      if (element && ts.isIdentifier(element)) trackAccesses(context, element, callback.body, entity, populated, report);
    }
    const relation = entity.relations.get(member);
    if (!relation || relation.eager || populated.has(member)) return;
    let through: ts.Node = parent;
    while (ts.isNonNullExpression(through.parent)) through = through.parent;
    const access = through.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== through) return;
    const field = access.name.text;
    if (SAFE_ON_UNLOADED.has(field) || primaryKeysOf(relationTarget(context.entities, relation)).has(field)) return;
    report(access, member);
  });
}

/** `x!`, `(x)`, `x[0]` around a tracked identifier keep it the same value (or an element of it). */
function isTransparent(parent: ts.Node, child: ts.Node): boolean {
  return ts.isNonNullExpression(parent) || ts.isParenthesizedExpression(parent) || (ts.isElementAccessExpression(parent) && parent.expression === child);
}

function enclosingScope(node: ts.Node): ts.Node {
  let current = node.parent;
  while (!ts.isSourceFile(current) && !(ts.isFunctionLike(current) && 'body' in current && current.body)) current = current.parent;
  return current;
}

function message(access: ts.PropertyAccessExpression, relation: string, load: Load): string {
  // Show the whole read (`task.state.unwrap().type`), not just the part that matched.
  let read: ts.Node = access;
  for (;;) {
    const parent = read.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === read) read = parent;
    else if (ts.isCallExpression(parent) && parent.expression === read && parent.arguments.length === 0) read = parent;
    else break;
  }
  return (
    `\`${snippet(read, 60)}\` reads relation \`${relation}\` of ${load.entity.name}, but the \`${load.method}()\` at line ` +
    `${lineOf(load.call)} does not populate it, so it is an unloaded reference here — add populate: ['${relation}'] ` +
    `to that call (or require Loaded<${load.entity.name}, '${relation}'>)`
  );
}
