/**
 * The hand-glue peer's MikroORM (phase H): nyx's task and state entities to
 * load from (the same seeded rows), plus a run entity of its own mapped on
 * the peers' `peer_run` table — what a team that glues BullMQ and MikroORM
 * together by hand would write. The schema is the bench run's own, so the
 * entity is defined at run time.
 */
import { defineEntity, p, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { entities } from '../../control-plane/entities/index.js';

export function definePeerRun(schema: string) {
  return defineEntity({
    name: 'PeerRun',
    tableName: 'peer_run',
    schema,
    properties: {
      id: p.uuid().primary(),
      taskId: p.uuid(),
      status: p.string().default('pending'),
      result: p.json<unknown>().nullable(),
      enqueuedAt: p.datetime(),
      startedAt: p.datetime().nullable(),
      finishedAt: p.datetime().nullable(),
    },
  });
}

export type PeerRunEntity = ReturnType<typeof definePeerRun>;
export type HandGlueOrm = MikroORM & { em: SqlEntityManager };

/** A plain MikroORM on PostgreSQL, with the entities given and a pool of `poolMax` (MikroORM's usual 10). */
export async function openHandGlueOrm(
  databaseUrl: string,
  peerRun: PeerRunEntity,
  withTasks: boolean,
  onQuery?: (message: string) => void,
  poolMax = 10,
): Promise<HandGlueOrm> {
  const { MikroORM: PgOrm } = await import('@mikro-orm/postgresql');
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the driver's MikroORM narrowed to the common shape
  return (await PgOrm.init({
    entities: withTasks ? [...entities, peerRun] : [peerRun],
    clientUrl: databaseUrl,
    ensureDatabase: false,
    pool: { min: 0, max: poolMax },
    debug: onQuery ? ['query' as const] : false,
    logger: onQuery ?? (() => {}),
    colors: false,
    allowGlobalContext: false,
  })) as unknown as HandGlueOrm;
}
