import { collectSourceFiles } from '../../../src/tools/boundary-scanner/collect-source-files.js';
import { discoverEntities } from '../../../src/tools/boundary-scanner/entity-discovery.js';
import type { EntityIndex } from '../../../src/tools/boundary-scanner/entity-index.js';
import { loadProject } from '../../../src/tools/boundary-scanner/scanned-project.js';
import { fixture } from './fixtures.js';

function discover(name: string): EntityIndex {
  const { rootDir, fileNames } = collectSourceFiles(fixture(name));
  return discoverEntities(loadProject(rootDir, fileNames));
}

function relations(index: EntityIndex, entity: string): string[] {
  const info = index.byName.get(entity);
  return [...(info?.relations.values() ?? [])].map((r) => `${r.name} ${r.kind} ${r.target}${r.eager ? ' eager' : ''}`);
}

describe('discoverEntities', () => {
  it('reads MikroORM 6 decorated classes and their relation decorators', () => {
    const index = discover('bad-entity-param-in-processor');
    expect(relations(index, 'Task')).toEqual(['project m:1 Project']);
    expect(relations(index, 'Project')).toEqual(['tasks 1:m Task']);
    expect([...(index.byName.get('Task')?.primaryKeys ?? [])]).toEqual(['id']);
  });

  it('reads defineEntity schemas: class + setClass form, schema-direct form with InferEntity aliases', () => {
    const index = discover('bad-entity-in-job-data');
    expect(relations(index, 'Task')).toEqual(['project m:1 Project', 'tags m:n Tag']);
    // The class, the schema constant and the inferred alias all name the same entity.
    expect(index.byName.get('TaskSchema')).toBe(index.byName.get('Task'));
    expect(index.byName.get('IProject')).toBe(index.byName.get('Project'));
  });

  it('reads EntitySchema and links the interface given as its type argument', () => {
    const index = discover('bad-entity-in-job-data');
    expect(index.byName.get('ITag')?.name).toBe('Tag');
  });

  it('reads builder flags and the properties callback form', () => {
    const index = discover('bad-unpopulated-relation-access');
    expect(relations(index, 'MotivationalTask')).toEqual(['motivationalState m:1 MotivationalState', 'owner m:1 User eager']);
    expect(relations(index, 'MotivationalState')).toEqual(['tasks 1:m MotivationalTask']);
    expect(relations(index, 'User')).toEqual(['team m:1 Team']);
  });
});
