/**
 * Calls through an interface: `this.recorder.record(x)` where `recorder` is
 * declared as an interface (often injected by token in NestJS:
 * `@Inject(RECORDER) private readonly recorder: ActivityLogRecorder`). The
 * checker cannot pick the implementation, so every project class that
 * `implements` an interface of that name and has a method of that name
 * counts as called. Matched by name, so it also works when the interface
 * lives in another package of a monorepo.
 */
import ts from 'typescript';
import type { ScannedProject } from './scanned-project.js';
import { type CallableNode, declarationsOf } from './symbols.js';

const indexes = new WeakMap<ScannedProject, Map<string, ts.ClassLikeDeclaration[]>>();

export function implementationsOf(project: ScannedProject, expression: ts.Expression): CallableNode[] {
  if (!ts.isPropertyAccessExpression(expression)) return [];
  const receiver = expression.expression;
  const receiverName = ts.isPropertyAccessExpression(receiver) ? receiver.name : receiver;
  if (!ts.isIdentifier(receiverName)) return [];
  const declaration = declarationsOf(project, receiverName)[0] as { type?: ts.TypeNode } | undefined;
  const type = declaration?.type;
  if (!type || !ts.isTypeReferenceNode(type)) return [];
  const interfaceName = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  const method = expression.name.text;
  return (implementersIndex(project).get(interfaceName) ?? []).flatMap((cls) =>
    cls.members.filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && m.name.text === method),
  );
}

function implementersIndex(project: ScannedProject): Map<string, ts.ClassLikeDeclaration[]> {
  let index = indexes.get(project);
  if (index) return index;
  index = new Map();
  for (const sourceFile of project.sourceFiles) {
    if (!sourceFile.text.includes('implements')) continue;
    for (const statement of sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      for (const clause of statement.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const type of clause.types) {
          const name = ts.isIdentifier(type.expression) ? type.expression.text : type.expression.getText().split('.').pop();
          if (name) index.set(name, [...(index.get(name) ?? []), statement]);
        }
      }
    }
  }
  indexes.set(project, index);
  return index;
}
