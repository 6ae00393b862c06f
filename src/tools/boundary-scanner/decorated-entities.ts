/**
 * MikroORM 6 (and 7's legacy) decorator style:
 *
 *   @Entity() class Task { @ManyToOne(() => Project) project!: Project; }
 *
 * Only decorators on the class itself are read; relations declared on an
 * abstract base class are not inherited here (best effort, see scan-project).
 */
import ts from 'typescript';
import { type EntityIndex, type EntityInfo, newEntity, registerEntity } from './entity-index.js';
import { isFlagSet, optionValue, propertyNameText, relationKindOfName, targetName } from './relation-options.js';

const PRIMARY_KEY_DECORATORS = new Set(['PrimaryKey', 'SerializedPrimaryKey']);
/** Wrappers a relation property's type may be written in; the target is their first type argument. */
const RELATION_TYPE_WRAPPERS = new Set(['Ref', 'Reference', 'IdentifiedReference', 'Collection', 'Rel', 'Loaded']);

export function discoverDecoratedEntities(sourceFile: ts.SourceFile, index: EntityIndex): void {
  ts.forEachChild(sourceFile, function visit(node) {
    if (ts.isClassDeclaration(node) && node.name && decoratorNames(node).includes('Entity')) {
      const entity = newEntity(node.name.text, sourceFile.fileName);
      for (const member of node.members) readMember(member, entity);
      registerEntity(index, entity, node, node.name.text);
    }
    ts.forEachChild(node, visit);
  });
}

function readMember(member: ts.ClassElement, entity: EntityInfo): void {
  if (!ts.isPropertyDeclaration(member) && !ts.isGetAccessorDeclaration(member)) return;
  const name = propertyNameText(member.name);
  if (name === undefined) return;
  for (const decorator of ts.getDecorators(member) ?? []) {
    const decoratorName = nameOfDecorator(decorator);
    if (decoratorName && PRIMARY_KEY_DECORATORS.has(decoratorName)) entity.primaryKeys.add(name);
    const kind = decoratorName ? relationKindOfName(decoratorName) : undefined;
    if (!kind) continue;
    const args: readonly ts.Expression[] = ts.isCallExpression(decorator.expression) ? decorator.expression.arguments : [];
    const options = args.find(ts.isObjectLiteralExpression);
    const first = args[0];
    const target =
      (first && !ts.isObjectLiteralExpression(first) ? targetName(first) : undefined) ??
      (options ? targetName(optionValue(options, 'entity')) : undefined) ??
      targetOfType(ts.isPropertyDeclaration(member) ? member.type : undefined);
    entity.relations.set(name, { name, kind, target, eager: options ? isFlagSet(options, 'eager') : false });
  }
}

/** `Project`, `Ref<Project>`, `Collection<Task>`, `Project | null` → the entity name. */
function targetOfType(type: ts.TypeNode | undefined): string | undefined {
  if (!type) return undefined;
  if (ts.isUnionTypeNode(type)) {
    for (const member of type.types) {
      const name = targetOfType(member);
      if (name) return name;
    }
    return undefined;
  }
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const name = type.typeName.text;
  return RELATION_TYPE_WRAPPERS.has(name) ? targetOfType(type.typeArguments?.[0]) : name;
}

function decoratorNames(node: ts.HasDecorators): string[] {
  return (ts.getDecorators(node) ?? []).map(nameOfDecorator).filter((n): n is string => n !== undefined);
}

/** `@Entity()`, `@Entity`, `@orm.Entity()` → 'Entity'. */
function nameOfDecorator(decorator: ts.Decorator): string | undefined {
  const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}
