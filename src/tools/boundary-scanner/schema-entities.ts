/**
 * Schema-style entities, read from the options object:
 *
 *   MikroORM 7:  const TaskSchema = defineEntity({ name: 'Task', properties: { project: () => p.manyToOne(Project) } })
 *   MikroORM 6:  const Task = new EntitySchema({ name: 'Task', properties: { project: { kind: 'm:1', entity: () => Project } } })
 *
 * The classes and type aliases that stand for such a schema
 * (`class Task extends TaskSchema.class {}`, `type ITask = InferEntity<typeof Task>`)
 * are linked afterwards by schema-aliases.ts, once every schema is known.
 */
import ts from 'typescript';
import { type EntityIndex, type EntityInfo, newEntity, registerEntity } from './entity-index.js';
import { isFlagSet, optionValue, propertyNameText, relationKindOfName, relationKindOfOption, targetName } from './relation-options.js';
import { calleeName } from './symbols.js';

/** What the alias pass needs to link classes and interfaces to a schema. */
export interface SchemaDeclaration {
  entity: EntityInfo;
  /** `class: Task` option of `defineEntity`/`EntitySchema`. */
  classOption: ts.Expression | undefined;
  /** `I` in `new EntitySchema<I>(...)`. */
  typeArgument: ts.TypeNode | undefined;
}

export function discoverSchemaEntities(sourceFile: ts.SourceFile, index: EntityIndex): SchemaDeclaration[] {
  const schemas: SchemaDeclaration[] = [];
  ts.forEachChild(sourceFile, function visit(node) {
    const isDefineEntity = ts.isCallExpression(node) && calleeName(node.expression) === 'defineEntity';
    const isEntitySchema = ts.isNewExpression(node) && calleeName(node.expression) === 'EntitySchema';
    if (isDefineEntity || isEntitySchema) {
      const call = node;
      const options = call.arguments?.[0];
      const schema = options && ts.isObjectLiteralExpression(options) ? readSchema(call, options, sourceFile, index) : undefined;
      if (schema) schemas.push(schema);
    }
    ts.forEachChild(node, visit);
  });
  return schemas;
}

function readSchema(
  call: ts.CallExpression | ts.NewExpression,
  options: ts.ObjectLiteralExpression,
  sourceFile: ts.SourceFile,
  index: EntityIndex,
): SchemaDeclaration | undefined {
  const classOption = optionValue(options, 'class');
  const name = literalText(optionValue(options, 'name')) ?? literalText(optionValue(options, 'className')) ?? targetName(classOption);
  if (!name) return undefined;
  const entity = newEntity(name, sourceFile.fileName);
  const properties = propertiesObject(optionValue(options, 'properties'));
  for (const property of properties?.properties ?? []) {
    if (!ts.isPropertyAssignment(property)) continue;
    const propertyName = propertyNameText(property.name);
    if (propertyName !== undefined) readProperty(propertyName, property.initializer, entity);
  }
  const variable = ts.isVariableDeclaration(call.parent) && ts.isIdentifier(call.parent.name) ? call.parent : undefined;
  registerEntity(index, entity, variable ?? call, ...(variable ? [(variable.name as ts.Identifier).text] : []));
  return { entity, classOption, typeArgument: call.typeArguments?.[0] };
}

/** `{...}`, `(p) => ({...})` or `(p) => { return {...}; }`. */
function propertiesObject(value: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  if (!value) return undefined;
  if (ts.isObjectLiteralExpression(value)) return value;
  if (ts.isParenthesizedExpression(value)) return propertiesObject(value.expression);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    if (!ts.isBlock(value.body)) return propertiesObject(value.body);
    const returned = value.body.statements.find(ts.isReturnStatement)?.expression;
    return propertiesObject(returned);
  }
  return undefined;
}

function readProperty(name: string, initializer: ts.Expression, entity: EntityInfo): void {
  let value = initializer;
  // Builders are often wrapped in a thunk to break import cycles: `() => p.manyToOne(X)`.
  while (ts.isArrowFunction(value) && !ts.isBlock(value.body)) value = value.body;
  while (ts.isParenthesizedExpression(value)) value = value.expression;
  if (ts.isObjectLiteralExpression(value)) return readPlainOptions(name, value, entity);
  readBuilderChain(name, value, entity);
}

/** EntitySchema / plain-options style: `{ kind: 'm:1', entity: () => Project, eager: true }`. */
function readPlainOptions(name: string, options: ts.ObjectLiteralExpression, entity: EntityInfo): void {
  if (isFlagSet(options, 'primary')) entity.primaryKeys.add(name);
  const kindValue = optionValue(options, 'kind') ?? optionValue(options, 'reference');
  const kind = kindValue ? relationKindOfOption(kindValue) : undefined;
  if (!kind) return;
  const target = targetName(optionValue(options, 'entity')) ?? targetName(optionValue(options, 'type'));
  entity.relations.set(name, { name, kind, target, eager: isFlagSet(options, 'eager') });
}

/** Property builder chain: `p.manyToOne(Project).ref().eager()`, `p.integer().primary()`. */
function readBuilderChain(name: string, value: ts.Expression, entity: EntityInfo): void {
  let kind: ReturnType<typeof relationKindOfName>;
  let target: string | undefined;
  let eager = false;
  let current: ts.Expression = value;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) {
    const method = current.expression.name.text;
    const firstArgument = current.arguments[0];
    if (method === 'primary') entity.primaryKeys.add(name);
    if (method === 'eager') eager = firstArgument?.kind !== ts.SyntaxKind.FalseKeyword;
    const methodKind = relationKindOfName(method);
    if (methodKind) {
      kind = methodKind;
      target = targetName(firstArgument);
    }
    current = current.expression.expression;
  }
  if (kind) entity.relations.set(name, { name, kind, target, eager });
}

function literalText(value: ts.Expression | undefined): string | undefined {
  return value && (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) ? value.text : undefined;
}
