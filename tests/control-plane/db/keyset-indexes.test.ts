/**
 * Every list of the API pages by keyset, newest first (keyset-page.ts). With
 * its index a page is one backward index range scan; without it PostgreSQL
 * sorts the whole table for every page. The plans are read for the very SQL
 * the routes build (MikroORM's query builder with afterCursor/keysetOrder),
 * on tables of 20,000 rows with fresh statistics, as the planner sees a
 * real deployment (on an empty table any plan is as cheap as any other).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityName } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { afterCursor, keysetOrder } from '../../../src/control-plane/api/keyset-page.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('keyset paging indexes', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    const sql = orm.em.getConnection();
    await sql.execute(`insert into motivational_state (motivation_type, intensity, created_at)
      select 'mastery', 0.5, now() - n * interval '1 second' from generate_series(1, 20000) n`);
    await sql.execute(`insert into motivational_task (id, generated_prompt, task_priority, arbitration_score, motivational_state_id, created_at)
      select gen_random_uuid(), 'p', 1, 0.5, 1, now() - n * interval '1 second' from generate_series(1, 20000) n`);
    await sql.execute(`insert into workflow_run (id, spawnable, subject_id, task_id, workflow, status, payload_version, enqueued_at)
      select gen_random_uuid(), 'motivational-task', t.id::text, t.id, 'noop', 'completed', 1, t.created_at from motivational_task t`);
    await sql.execute(`analyze motivational_state, motivational_task, workflow_run`);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const planOf = async (entity: EntityName<object>, atField: string, id: string | number): Promise<PlanNode[]> => {
    const em = orm.em.fork() as SqlEntityManager;
    const sql = em
      .createQueryBuilder(entity)
      .where(afterCursor(atField, { at: new Date(), id }))
      .orderBy(keysetOrder(atField))
      .limit(51)
      .getFormattedQuery();
    const [row] = await em.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${sql}`);
    return nodesOf(row!['QUERY PLAN'][0].Plan);
  };

  it.each([
    ['GET /states', MotivationalState, 'createdAt', 1, 'motivational_state_created_at_id_index'],
    ['GET /tasks', MotivationalTask, 'createdAt', '00000000-0000-4000-8000-000000000000', 'motivational_task_created_at_id_index'],
    ['GET /runs', WorkflowRun, 'enqueuedAt', '00000000-0000-4000-8000-000000000000', 'workflow_run_enqueued_at_id_index'],
  ] as const)('%s: a page is an index scan in keyset order, never a sort', async (_route, entity, atField, id, index) => {
    const nodes = await planOf(entity, atField, id);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(nodes.find((n) => n['Index Name'] === index)?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
  });
});
