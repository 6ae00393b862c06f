/**
 * What a module loads at runtime. Type-only imports (`import type`, or every
 * specifier marked `type`) are left out: they are erased before the code runs,
 * so they cannot pull the ORM into a worker process. Relative specifiers are
 * resolved the way TypeScript's NodeNext/bundler resolution does for sources:
 * `./task.js` → `./task.ts`, `./dir` → `./dir/index.ts`.
 */
import path from 'node:path';
import ts from 'typescript';
import { forEachDescendant } from './symbols.js';

export interface ModuleImport {
  specifier: string;
  /** The statement (or `import()`/`require()` call) that loads it. */
  node: ts.Node;
}

export function runtimeImportsOf(sourceFile: ts.SourceFile): ModuleImport[] {
  const imports: ModuleImport[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (!isTypeOnlyImport(statement)) imports.push({ specifier: statement.moduleSpecifier.text, node: statement });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (!isTypeOnlyExport(statement)) imports.push({ specifier: statement.moduleSpecifier.text, node: statement });
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      !statement.isTypeOnly &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      imports.push({ specifier: statement.moduleReference.expression.text, node: statement });
    }
  }
  forEachDescendant(sourceFile, (node) => {
    if (!ts.isCallExpression(node)) return;
    const [argument] = node.arguments;
    const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
    const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
    if ((isDynamicImport || isRequire) && argument && ts.isStringLiteralLike(argument)) {
      imports.push({ specifier: argument.text, node });
    }
  });
  return imports;
}

/** The project file a relative specifier points at, if it is one of `fileNames`. */
export function resolveImport(fromFile: string, specifier: string, fileNames: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base];
  const jsExtension = /\.([cm]?)js$/.exec(base);
  if (jsExtension) {
    const stem = base.slice(0, -jsExtension[0].length);
    candidates.push(`${stem}.${jsExtension[1]}ts`, ...(jsExtension[1] === '' ? [`${stem}.tsx`] : []));
  }
  candidates.push(
    ...['.ts', '.tsx', '.mts', '.js', '.mjs'].map((extension) => `${base}${extension}`),
    ...['index.ts', 'index.tsx', 'index.js'].map((index) => path.join(base, index)),
  );
  return candidates.find((candidate) => fileNames.has(candidate));
}

function isTypeOnlyImport(statement: ts.ImportDeclaration): boolean {
  const clause = statement.importClause;
  if (!clause) return false; // `import './side-effect.js'` runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(statement: ts.ExportDeclaration): boolean {
  if (statement.isTypeOnly) return true;
  const clause = statement.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}
