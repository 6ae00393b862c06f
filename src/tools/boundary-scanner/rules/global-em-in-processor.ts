/**
 * Rule `global-em-in-processor`: code that runs inside a processor (or what
 * it calls, across files) uses an EntityManager it does not own, outside any
 * unit of work of its own (see unit-of-work.ts):
 *
 * - the global EntityManager `orm.em` (not followed by `.fork()`), or `{ em }`
 *   destructured from the ORM;
 * - an injected EntityManager or repository: a property or constructor
 *   parameter property of a decorated (DI-managed: `@Injectable`,
 *   `@Processor`…) class, typed `EntityManager` / `SqlEntityManager` /
 *   `EntityRepository<T>` (or a project class extending one of those), or
 *   decorated `@InjectRepository(...)` / `@InjectEntityManager(...)` — what
 *   NestJS (`@mikro-orm/nestjs`) hands a `@Processor` or service. In an
 *   undecorated class the caller picks the instance (often a fork), so it is
 *   not judged there.
 *
 * Either is one identity map shared by every job the worker runs concurrently:
 * entities leak between jobs, memory grows without bound, one job's flush
 * writes another's changes, and a row updated by a raw query reads stale from
 * the map. MikroORM refuses it (a validation error) unless
 * `allowGlobalContext` is set. Fixes: `const em = this.em.fork()` per job, or
 * `@CreateRequestContext()` on the handler, or `RequestContext.create(...)`.
 *
 * "The ORM" is a receiver named `orm` (`orm.em`, `this.orm.em`, `deps.orm.em`),
 * or a variable, parameter or property declared as `MikroORM` or initialised
 * by `MikroORM.init()` / `new MikroORM()`.
 *
 * Not seen: an EntityManager reached through an untyped property, a local
 * alias (`const em = this.em; em.find()` is reported at the alias, not at each
 * use), and contexts opened by middleware or interceptors outside the
 * processor's call path.
 */
import ts from 'typescript';
import type { Finding } from '../finding.js';
import { findingAt, locationOf } from '../scanned-project.js';
import { type ScanContext, snippet } from '../scan-context.js';
import { declarationsOf, skipOuterExpressions, forEachDescendant } from '../symbols.js';
import { insideUnitOfWork, isUnitOfWorkCall, reachWithoutUnitOfWork } from '../unit-of-work.js';

const EM_TYPE = /\b\w*Entity(Manager|Repository)\b/;
const INJECT_DECORATOR = /^(InjectRepository|InjectEntityManager)$/;
/** Members that open a unit of work rather than use the shared one. */
const FORKING_MEMBERS = new Set(['fork', 'transactional']);

export function checkGlobalEmInProcessor(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<ts.Node>();
  const injected = new Map<ts.Declaration, boolean>();
  for (const { fn, root } of reachWithoutUnitOfWork(context.project, context.workers.roots).values()) {
    if (!fn.body) continue;
    const processor = locationOf(context.project, root.registeredAt);
    forEachDescendant(fn, (node) => {
      const use = globalEmUse(context, node) ?? injectedEmUse(context, node, injected);
      if (!use || seen.has(use.node) || insideUnitOfWork(use.node, fn)) return;
      seen.add(use.node);
      findings.push(findingAt(context.project, use.node, 'global-em-in-processor', message(use, processor)));
    });
  }
  return findings;
}

interface EmUse {
  node: ts.Node;
  kind: 'global' | 'injected';
}

function message(use: EmUse, processor: string): string {
  // `this.em.findOneOrFail`, not just `this.em`: the member says what the shared map is used for.
  const parent = use.node.parent;
  const shown = ts.isPropertyAccessExpression(parent) && parent.expression === use.node ? parent : use.node;
  const text = `\`${snippet(shown, 40)}\``;
  return use.kind === 'global'
    ? `${text} uses the global EntityManager inside a BullMQ processor (${processor}); ` +
        'concurrent jobs would share one identity map — fork per job: `const em = orm.em.fork()`'
    : `${text} uses an injected EntityManager/repository inside a BullMQ processor (${processor}) with no request context of its own; ` +
        'concurrent jobs share one identity map — put @CreateRequestContext() on the handler, or fork per job: `const em = this.em.fork()`';
}

/** The offending node: `orm.em` not followed by `.fork`, or `{ em } = orm`. */
function globalEmUse(context: ScanContext, node: ts.Node): EmUse | undefined {
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'em' && isOrm(context, node.expression)) {
    return opensOwnUnit(node) ? undefined : { node, kind: 'global' };
  }
  if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
    const takesEm = node.name.elements.some((element) => (element.propertyName ?? element.name).getText() === 'em');
    return takesEm && isOrm(context, node.initializer) ? { node, kind: 'global' } : undefined;
  }
  return undefined;
}

/** `this.em.find(...)`, `this.repo.findOne(...)`, `this.em` passed on — but not `this.em.fork()`. */
function injectedEmUse(context: ScanContext, node: ts.Node, cache: Map<ts.Declaration, boolean>): EmUse | undefined {
  if (!ts.isPropertyAccessExpression(node) || node.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  if (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && node.parent.name.text === 'em') {
    return undefined; // `this.orm.em` is the global-em case, judged on the outer node
  }
  const declaration = declarationsOf(context.project, node.name)[0];
  if (!declaration || !(ts.isPropertyDeclaration(declaration) || ts.isParameter(declaration))) return undefined;
  let isInjected = cache.get(declaration);
  if (isInjected === undefined) {
    isInjected = isInjectedEntityManager(context, declaration);
    cache.set(declaration, isInjected);
  }
  return isInjected && !opensOwnUnit(node) ? { node, kind: 'injected' } : undefined;
}

function isInjectedEntityManager(context: ScanContext, declaration: ts.PropertyDeclaration | ts.ParameterDeclaration): boolean {
  const decorators = (ts.canHaveDecorators(declaration) && ts.getDecorators(declaration)) || [];
  const injectedByDecorator = decorators.some((d) => {
    const expression = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(expression) && INJECT_DECORATOR.test(expression.text);
  });
  if (injectedByDecorator) return true;
  // Only a DI container hands out the shared instance: in an undecorated class the
  // caller chose what to pass (`new ResolveService(orm.em.fork())`), and a global
  // `orm.em` passed there is reported where it is passed.
  if (!isDiManagedClass(declaration)) return false;
  const type = declaration.type;
  if (!type) return false;
  if (EM_TYPE.test(type.getText())) return true;
  // `private readonly games: GameRepository` with `class GameRepository extends EntityRepository<Game>`.
  if (!ts.isTypeReferenceNode(type)) return false;
  return declarationsOf(context.project, type.typeName).some(
    (d) => ts.isClassDeclaration(d) && (d.heritageClauses ?? []).some((h) => EM_TYPE.test(h.getText())),
  );
}

function isDiManagedClass(declaration: ts.PropertyDeclaration | ts.ParameterDeclaration): boolean {
  const owner = ts.isParameter(declaration) ? declaration.parent.parent : declaration.parent;
  return ts.isClassLike(owner) && (ts.getDecorators(owner)?.length ?? 0) > 0;
}

/** `x.em.fork()`, `x.em.transactional(cb)`, `RequestContext.create(x.em, cb)`: the use opens its own unit of work. */
function opensOwnUnit(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node && FORKING_MEMBERS.has(parent.name.text)) return true;
  return ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression) && isUnitOfWorkCall(parent);
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
