/**
 * NestJS queue processors (`@nestjs/bullmq` and the older `@nestjs/bull`):
 * a class decorated `@Processor(...)` is instantiated by Nest's DI container
 * and run by a BullMQ (or Bull) worker inside the application process. What
 * runs with a job in hand:
 *
 * - `process(job)` — `@nestjs/bullmq`'s `WorkerHost` contract;
 * - methods decorated `@Process(...)` — `@nestjs/bull`, one per job name;
 * - event handlers: `@OnWorkerEvent(...)`, `@OnQueueEvent(...)` and Bull's
 *   `@OnQueue*` / `@OnGlobalQueue*` — they run on the same worker, concurrently
 *   with jobs.
 *
 * Decorators count only when imported from a `@nestjs/bull*` package (the
 * project's own `Processor` type or decorator is not Nest's).
 */
import ts from 'typescript';
import type { ScannedProject } from './scanned-project.js';
import { type CallableNode, calleeName, unresolvedImportOf } from './symbols.js';

const NEST_QUEUE_PACKAGE = /^@nestjs\/bull(mq)?(-shared)?$/;
const HANDLER_DECORATOR = /^(Process|OnWorkerEvent|OnQueueEvent|OnQueue[A-Z]\w*|OnGlobalQueue[A-Z]\w*)$/;

export interface NestProcessorMethod {
  fn: CallableNode;
  /** The class's `@Processor(...)` decorator. */
  decorator: ts.Decorator;
}

export function nestProcessorMethods(project: ScannedProject, sourceFile: ts.SourceFile): NestProcessorMethod[] {
  if (!importsNestQueuePackage(sourceFile)) return [];
  const methods: NestProcessorMethod[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) {
      const decorator = nestDecorators(project, node).find((d) => d.name === 'Processor')?.decorator;
      if (decorator) {
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !member.body) continue;
          const isProcess = ts.isIdentifier(member.name) && member.name.text === 'process';
          const isHandler = nestDecorators(project, member).some((d) => HANDLER_DECORATOR.test(d.name));
          if (isProcess || isHandler) methods.push({ fn: member, decorator });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return methods;
}

/** Decorators of a node that come from a `@nestjs/bull*` import, by imported name. */
function nestDecorators(project: ScannedProject, node: ts.Node): Array<{ name: string; decorator: ts.Decorator }> {
  const found: Array<{ name: string; decorator: ts.Decorator }> = [];
  for (const decorator of (ts.canHaveDecorators(node) && ts.getDecorators(node)) || []) {
    const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
    if (!ts.isIdentifier(expression) || !calleeName(expression)) continue;
    const imported = unresolvedImportOf(project, expression);
    if (imported && NEST_QUEUE_PACKAGE.test(imported.specifier)) found.push({ name: imported.importedName, decorator });
  }
  return found;
}

function importsNestQueuePackage(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && NEST_QUEUE_PACKAGE.test(s.moduleSpecifier.text),
  );
}

/** True when the file declares a decorated class (a Nest module, service, controller…): DI-wired code, not a sandboxed processor. */
export function declaresDecoratedClass(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some((s) => ts.isClassDeclaration(s) && (ts.getDecorators(s)?.length ?? 0) > 0);
}
