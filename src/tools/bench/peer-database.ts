/**
 * Where the peers keep their state in the bench's database: a schema of
 * their own for the run rows (`<peers>.peer_run`, the peers' counterpart of
 * workflow_run, with the same kind of indexes: primary key, task, status)
 * and graphile-worker's own schema, installed by its own migrations
 * (`runMigrations`). Both names are unique per bench run, so a bench on
 * DATABASE_URL touches nothing else, and both schemas are dropped
 * afterwards. graphile-worker is a dev dependency: this module does not
 * import it (graphile.bench.ts does, and the bench loads that one only when
 * a G phase runs), so `nyx bench` of an installed package still loads.
 *
 * Between phases the bench resets the tables a phase wrote (TRUNCATE on the
 * peers' tables and, on the throwaway database, on nyx's run table, which is
 * also its outbox) and runs VACUUM ANALYZE, so that one phase's dead rows, stale
 * statistics or pending autovacuum do not land on the next one.
 */
import pg from 'pg';

export interface PeerSchemas {
  /** Schema of `peer_run`. */
  peers: string;
  /** graphile-worker's schema (its `schema` option). */
  graphile: string;
}

export function peerSchemas(prefix: string): PeerSchemas {
  const id = prefix.replace(/[^a-z0-9]/gi, '_').toLowerCase();
  return { peers: `${id}_peers`, graphile: `${id}_graphile_worker` };
}

export async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the peers' schema and its run table (graphile-worker's schema: installGraphileSchema in graphile.bench.ts). */
export async function installPeerSchema(databaseUrl: string, schemas: PeerSchemas): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(`create schema "${schemas.peers}"`);
    await client.query(
      `create table "${schemas.peers}".peer_run (id uuid primary key, task_id uuid not null, status text not null default 'pending', ` +
        `result jsonb null, enqueued_at timestamptz not null, started_at timestamptz null, finished_at timestamptz null)`,
    );
    await client.query(`create index on "${schemas.peers}".peer_run (task_id)`);
    await client.query(`create index on "${schemas.peers}".peer_run (status)`);
  });
}

export async function dropPeerSchemas(databaseUrl: string, schemas: PeerSchemas): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(`drop schema if exists "${schemas.peers}" cascade`);
    await client.query(`drop schema if exists "${schemas.graphile}" cascade`);
  });
}

/**
 * Empties what the phases wrote and lets PostgreSQL catch up (VACUUM ANALYZE),
 * outside any phase's clock. On a database the bench did not create, nyx's
 * tables are left to deleteBenchRows at the end (their rows are few enough
 * per phase to leave; TRUNCATE would take other users' rows).
 */
export async function resetBetweenPhases(databaseUrl: string, schemas: PeerSchemas | null, graphileInstalled: boolean, throwaway: boolean): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const tables: string[] = [];
    if (throwaway) tables.push('workflow_run');
    if (schemas) tables.push(`"${schemas.peers}".peer_run`);
    if (schemas && graphileInstalled) tables.push(`"${schemas.graphile}"._private_jobs`);
    if (tables.length > 0) await client.query(`truncate ${tables.join(', ')} cascade`);
    const vacuumed = ['workflow_run', 'motivational_task', 'motivational_state'];
    if (schemas) vacuumed.push(`"${schemas.peers}".peer_run`);
    if (schemas && graphileInstalled) vacuumed.push(`"${schemas.graphile}"._private_jobs`);
    await client.query(`vacuum analyze ${vacuumed.join(', ')}`);
  });
}
