/**
 * Links the names that stand for a schema-defined entity to it, so that a
 * parameter typed with any of them is recognised:
 *
 *   export class Task extends TaskSchema.class {}      // MikroORM 7 guide style
 *   TaskSchema.setClass(Task);
 *   defineEntity({ class: Task, ... }) / new EntitySchema({ class: Task, ... })
 *   export type ITask = InferEntity<typeof Task>;       // schema used directly
 *   new EntitySchema<ITask>({ ... })                    // interface-typed schema
 */
import ts from 'typescript';
import { type EntityIndex, type EntityInfo, registerEntity } from './entity-index.js';
import { entityNamedBy, entityOfTypeQuery, type EntityScope } from './entity-lookup.js';
import type { SchemaDeclaration } from './schema-entities.js';
import { declarationsOf, forEachDescendant } from './symbols.js';

export function linkSchemaAliases(scope: EntityScope, schemas: readonly SchemaDeclaration[]): void {
  for (const schema of schemas) {
    if (schema.classOption) linkDeclarationsOf(scope, schema.classOption, schema.entity);
    if (schema.typeArgument && ts.isTypeReferenceNode(schema.typeArgument)) {
      linkDeclarationsOf(scope, schema.typeArgument.typeName, schema.entity);
    }
  }
  for (const sourceFile of scope.project.sourceFiles) {
    forEachDescendant(sourceFile, (node) => {
      if (ts.isClassDeclaration(node) && node.name) linkSchemaClass(scope, node);
      if (ts.isTypeAliasDeclaration(node)) linkTypeAlias(scope, node);
      if (isSetClassCall(node)) {
        const schema = entityNamedBy(scope, node.expression.expression);
        const classArgument = node.arguments[0];
        if (schema && classArgument) linkDeclarationsOf(scope, classArgument, schema);
      }
    });
  }
}

/** `class Task extends TaskSchema.class {}` */
function linkSchemaClass(scope: EntityScope, node: ts.ClassDeclaration): void {
  for (const clause of node.heritageClauses ?? []) {
    for (const type of clause.types) {
      const base = type.expression;
      if (!ts.isPropertyAccessExpression(base) || base.name.text !== 'class') continue;
      const entity = entityNamedBy(scope, base.expression);
      if (entity) link(scope.entities, node, entity, node.name?.text);
    }
  }
}

/** `type ITask = InferEntity<typeof Task>` or `type ITask = (typeof Task)['~entity']`. */
function linkTypeAlias(scope: EntityScope, node: ts.TypeAliasDeclaration): void {
  forEachDescendant(node, (child) => {
    const entity = ts.isTypeQueryNode(child) ? entityOfTypeQuery(scope, child) : undefined;
    if (entity) link(scope.entities, node, entity, node.name.text);
  });
}

function isSetClassCall(node: ts.Node): node is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'setClass';
}

function linkDeclarationsOf(scope: EntityScope, node: ts.Node, entity: EntityInfo): void {
  for (const declaration of declarationsOf(scope.project, node)) {
    if (!scope.project.fileNames.has(declaration.getSourceFile().fileName)) continue;
    const name =
      ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)
        ? declaration.name?.text
        : undefined;
    link(scope.entities, declaration, entity, name);
  }
}

function link(index: EntityIndex, declaration: ts.Node, entity: EntityInfo, name: string | undefined): void {
  if (!index.declarations.has(declaration)) registerEntity(index, entity, declaration, ...(name ? [name] : []));
}
