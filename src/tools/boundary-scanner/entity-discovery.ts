/**
 * Finds the entities the scanned project declares — never the ones a package
 * declares, and without needing the project's node_modules. Three forms:
 * `@Entity()` classes, `defineEntity({ name, properties })` (with or without a
 * class extending `Schema.class`), and `new EntitySchema({ name, properties })`.
 */
import { discoverDecoratedEntities } from './decorated-entities.js';
import { createEntityIndex, type EntityIndex } from './entity-index.js';
import { linkSchemaAliases } from './schema-aliases.js';
import { discoverSchemaEntities, type SchemaDeclaration } from './schema-entities.js';
import type { ScannedProject } from './scanned-project.js';

export function discoverEntities(project: ScannedProject): EntityIndex {
  const entities = createEntityIndex();
  const schemas: SchemaDeclaration[] = [];
  for (const sourceFile of project.sourceFiles) {
    discoverDecoratedEntities(sourceFile, entities);
    schemas.push(...discoverSchemaEntities(sourceFile, entities));
  }
  // Second pass: aliases can live in any file, and may name a schema declared later.
  linkSchemaAliases({ project, entities }, schemas);
  return entities;
}
