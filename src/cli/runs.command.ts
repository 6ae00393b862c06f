import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { openOrm } from '../db/orm.js';
import { WorkflowRun } from '../entities/index.js';
import { action } from './exit.js';

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('show a run: status, attempts, result, error, timings (JSON)')
    .argument('<runId>', 'run id (uuid)')
    .action(
      action(async (runId: string) => {
        const config = loadConfig();
        const orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
        try {
          const run = /^[0-9a-f-]{36}$/i.test(runId) ? await orm.em.fork().findOne(WorkflowRun, { id: runId }) : null;
          if (!run) throw new Error(`unknown run id: ${runId}`);
          process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        } finally {
          await orm.close();
        }
      }),
    );
}
