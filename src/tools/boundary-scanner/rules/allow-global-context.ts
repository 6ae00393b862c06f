/**
 * Rule `allow-global-context`: MikroORM configuration with
 * `allowGlobalContext: true` — in `MikroORM.init({...})`, `new MikroORM({...})`,
 * `defineConfig({...})`, `MikroOrmModule.forRoot({...})`, or the object a
 * `forRootAsync({ useFactory })` factory returns (also through a variable,
 * a spread, `as`/`satisfies`, or a `mikro-orm.config.*` default export).
 *
 * The option switches off the one check MikroORM has against a shared
 * identity map: without it, using the global EntityManager outside a request
 * context throws a ValidationError; with it, concurrent jobs and requests
 * silently share entities and flush each other's changes. It is meant for
 * tests and one-off scripts; queue processors need a fork per job or
 * `@CreateRequestContext()` instead.
 *
 * Test files (`*.spec.*`, `*.test.*`, `test/`, `tests/`, `__tests__/`) and
 * one-off scripts (`bin/`, `scripts/`) are skipped — a folder name decides
 * here, so a `scripts/` file that starts workers is missed. Only the literal `true` counts: a value computed at run time
 * (`process.env.X === 'true'`) and the `MIKRO_ORM_ALLOW_GLOBAL_CONTEXT`
 * environment variable are not seen.
 */
import path from 'node:path';
import ts from 'typescript';
import type { Finding } from '../finding.js';
import { findingAt, relativeFile } from '../scanned-project.js';
import type { ScanContext } from '../scan-context.js';
import { forEachDescendant } from '../symbols.js';

const CONFIG_CALL = /(\bMikroORM\.init|\bdefineConfig|\bforRoot|\bforRootAsync)$/;
const CONFIG_FILE = /^mikro-orm\.config\.[cm]?[jt]s$/;
const ORM_IMPORT = /^(@mikro-orm\/|mikro-orm$)/;
/**
 * Tests and one-off scripts may share one context on purpose: they run one
 * thing at a time, which is what the option is for.
 */
const EXEMPT_FILE = /(^|\/)(__tests__|tests?|bin|scripts)\/|\.(spec|test)\.[cm]?[jt]sx?$/;

export function checkAllowGlobalContext(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  for (const sourceFile of context.project.sourceFiles) {
    if (!sourceFile.text.includes('allowGlobalContext') || EXEMPT_FILE.test(relativeFile(context.project, sourceFile.fileName))) continue;
    const importsOrm = sourceFile.statements.some(
      (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && ORM_IMPORT.test(s.moduleSpecifier.text),
    );
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isPropertyAssignment(node) || node.name.getText() !== 'allowGlobalContext') return;
      if (node.initializer.kind !== ts.SyntaxKind.TrueKeyword || !ts.isObjectLiteralExpression(node.parent)) return;
      const where = configContext(node.parent);
      const isConfigFile = CONFIG_FILE.test(path.basename(sourceFile.fileName));
      if (!where && !importsOrm && !isConfigFile) return;
      findings.push(
        findingAt(
          context.project,
          node,
          'allow-global-context',
          `\`allowGlobalContext: true\` in MikroORM configuration${where ? ` (${where})` : ''} lets the global EntityManager be shared ` +
            'by concurrent jobs and requests without the ValidationError that would catch it — remove it and give each job its own ' +
            'context: @CreateRequestContext() or `em.fork()`',
        ),
      );
    });
  }
  return findings;
}

/** The configuring call an object literal ends up in (`MikroOrmModule.forRootAsync() useFactory`), if one is visible. */
function configContext(object: ts.ObjectLiteralExpression): string | undefined {
  let node: ts.Node = object;
  let viaFactory = false;
  for (let steps = 0; steps < 12; steps++) {
    const parent = node.parent;
    if (!parent) return undefined;
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      const callee = parent.expression.getText();
      if (ts.isNewExpression(parent) && /\bMikroORM$/.test(callee)) return 'new MikroORM()';
      if (CONFIG_CALL.test(callee)) return `${callee}()${viaFactory ? ' useFactory' : ''}`;
      if (!ts.isCallExpression(parent) || parent.expression === node) return undefined;
      node = parent; // a wrapper such as `merge(base, {...})`: keep looking outward
      continue;
    }
    if (ts.isPropertyAssignment(parent) && parent.name.getText() === 'useFactory') viaFactory = true;
    else if (ts.isPropertyAssignment(parent)) return undefined;
    if (ts.isSourceFile(parent) || (ts.isBlock(parent) && !ts.isFunctionLike(parent.parent))) return undefined;
    node = parent;
  }
  return undefined;
}
