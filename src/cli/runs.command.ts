import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { openOrm } from '../db/orm.js';
import { WorkflowRun } from '../entities/index.js';
import { createLogger } from '../logging/logger.js';
import { action } from './exit.js';

/** `nyx runs cancel|fail <id…>`: needs PostgreSQL and Redis, not a running control plane. */
function registerStopCommand(runs: Command, name: 'cancel' | 'fail', description: string): void {
  runs
    .command(name)
    .description(description)
    .argument('<runIds...>', 'run ids (uuids)')
    .option('--reason <text>', 'why, kept in the run\'s error')
    .action(
      action(async (runIds: string[], opts: { reason?: string }) => {
        const config = loadConfig();
        const cp = await ControlPlane.open({ config, redisUrl: config.redisUrl, log: createLogger('nyx', config.logLevel), relay: false, recorder: false });
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
    .description('show a run: status, attempts, result, error, timings (JSON); or cancel/fail runs')
    .argument('[runId]', 'run id (uuid)')
    .action(
      action(async (runId: string | undefined) => {
        if (!runId) return void runs.help({ error: true });
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
  registerStopCommand(runs, 'cancel', 'cancel runs in any state: final `cancelled`, never retried; a running attempt is aborted');
  registerStopCommand(runs, 'fail', 'fail runs by hand: final `failed`, never retried; a running attempt is aborted');
}
