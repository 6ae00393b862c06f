/**
 * `nyx runs <runId>` and `nyx runs list [filters]`: the same JSON as
 * GET /runs/:id and GET /runs (the API's own functions print it), straight
 * from the database — no running service needed.
 */
import type { Command } from 'commander';
import { ApiError } from '../control-plane/api/errors.js';
import { findRunView, listRuns, ListRunsQuery } from '../control-plane/api/routes/runs.routes.js';
import { parseInput } from '../control-plane/api/validation.js';
import { loadConfig } from '../shared/config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { assertMigrated, openOrm, type Orm } from '../control-plane/db/orm.js';
import { isUuid } from '../dto/uuid.js';
import { createLogger } from '../shared/logging/logger.js';
import { action } from './exit.js';
import { UsageError } from './usage-error.js';

async function withOrm<T>(body: (orm: Orm) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
  try {
    await assertMigrated(orm);
    return await body(orm);
  } finally {
    await orm.close();
  }
}

/** The API's query validation; a refusal is bad input (exit 2), worded as the API's 400. */
function parseListQuery(raw: Record<string, unknown>): ListRunsQuery {
  try {
    return parseInput(ListRunsQuery, raw, 'query');
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 400) throw new UsageError(error.message.replaceAll('query.', '--'));
    throw error;
  }
}

/** `nyx runs cancel|fail <id…>`: needs PostgreSQL and Redis, not a running control plane. */
function registerStopCommand(runs: Command, name: 'cancel' | 'fail', description: string): void {
  runs
    .command(name)
    .description(description)
    .argument('<runIds...>', 'run ids (uuids)')
    .option('--reason <text>', "why, kept in the run's error")
    .action(
      action(async (runIds: string[], opts: { reason?: string }) => {
        const config = loadConfig();
        const cp = await ControlPlane.open({
          config,
          log: createLogger('nyx', config.logLevel),
          relay: false,
          recorder: false,
          reconciler: false,
          scheduler: false,
        });
        try {
          const result = await cp[name](runIds, { reason: opts.reason });
          for (const row of result.stopped) process.stdout.write(`${name === 'cancel' ? 'cancelled' : 'failed'}\t${row.runId}\t(was ${row.status})\n`);
          for (const row of result.alreadyFinal) process.stdout.write(`unchanged\t${row.runId}\t(already ${row.status})\n`);
          if (result.unknown.length > 0) throw new Error(`unknown run id${result.unknown.length === 1 ? '' : 's'}: ${result.unknown.join(', ')}`);
        } finally {
          await cp.close();
        }
      }),
    );
}

export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('a run as JSON (what GET /runs/:id returns): status, attempts, result, error, timings; `runs list` pages through runs')
    .argument('<runId>', 'run id (uuid)')
    .action(
      action(async (runId: string) => {
        if (!isUuid(runId)) throw new UsageError(`not a run id (a uuid): ${runId}`);
        const run = await withOrm((orm) => findRunView(orm.em.fork(), runId));
        if (!run) throw new Error(`unknown run id: ${runId}`);
        process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      }),
    );

  runs
    .command('list')
    .description('runs newest first, as GET /runs returns them: { items, nextCursor } (pass nextCursor to --cursor for the next page)')
    .option('--status <statuses>', 'one status or several, comma-separated (pending,queued,running,completed,failed,dead)')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--task-id <uuid>', 'only runs of this task')
    .option('--limit <n>', 'runs per page (1-500)', '50')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(
      action(async (opts: { status?: string; workflow?: string; taskId?: string; limit: string; cursor?: string }) => {
        const query = parseListQuery({ ...opts });
        const page = await withOrm((orm) => listRuns(orm.em.fork(), query));
        process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      }),
    );
  registerStopCommand(runs, 'cancel', 'cancel runs in any state: final `cancelled`, never retried; a running attempt is aborted');
  registerStopCommand(runs, 'fail', 'fail runs by hand: final `failed`, never retried; a running attempt is aborted');
}
