/**
 * `nyx runs <runId>` and `nyx runs list [filters]`: the same JSON as
 * GET /runs/:id and GET /runs (the API's own functions print it), straight
 * from the database — no running service needed.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import { findRunView, listRuns, ListRunsQuery } from '../api/routes/runs.routes.js';
import { parseInput } from '../api/validation.js';
import { loadConfig } from '../config/config.js';
import { assertMigrated, openOrm, type Orm } from '../db/orm.js';
import { action } from './exit.js';

async function withOrm<T>(body: (orm: Orm) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const orm = await openOrm({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.NYX_DATA_DIR });
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
    if (error instanceof ApiError && error.statusCode === 400) throw new InvalidArgumentError(error.message.replaceAll('query.', '--'));
    throw error;
  }
}

export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('a run as JSON (what GET /runs/:id returns): status, attempts, result, error, timings; `runs list` pages through runs')
    .argument('<runId>', 'run id (uuid)')
    .action(
      action(async (runId: string) => {
        if (!z.uuid().safeParse(runId).success) throw new InvalidArgumentError(`not a run id (a uuid): ${runId}`);
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
}
