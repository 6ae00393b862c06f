import type { Command } from 'commander';
import { loadConfig } from '../shared/config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { RunInProgressError } from '../producers/errors/index.js';
import { assertNoActiveRuns } from '../producers/guard-active-runs.js';
import { MOTIVATIONAL_TASK_SPAWNABLE } from '../producers/built-in-spawnables.js';
import { createLogger } from '../shared/logging/logger.js';
import { action } from './exit.js';
import { intOption, isoDate } from './options.js';

export function registerSpawnCommand(program: Command): void {
  program
    .command('spawn')
    .description("spawn runs for existing task ids, or a spawnable's subject ids (written to the outbox; a running `nyx start` relays them)")
    .argument('<id...>', 'task ids (uuid), or subject ids of --spawnable')
    .option('--spawnable <name>', "spawn this registered spawnable's subjects (default: the built-in motivational-task)")
    .option('--relay', 'also relay them to Redis now, without a running control plane')
    .option('--delay-ms <ms>', 'start them no earlier than this many ms from now (delayed runs)', intOption(0, 365 * 86_400_000))
    .option('--run-at <iso>', 'start them no earlier than this time (ISO 8601, e.g. 2026-12-24T18:00:00Z)', isoDate)
    .option('--force', 'spawn even a task whose run is not finished (otherwise refused, exit 2, as the API answers 409)')
    .action(
      action(async (taskIds: string[], opts: { relay?: boolean; force?: boolean; delayMs?: number; runAt?: Date; spawnable?: string }) => {
        const config = loadConfig();
        const log = createLogger('nyx', config.logLevel);
        const cp = await ControlPlane.open({ config, redisUrl: config.redisUrl, log });
        try {
          await cp.assertMigrated();
          const spawnable = cp.spawnable(opts.spawnable ?? MOTIVATIONAL_TASK_SPAWNABLE);
          const timing = { ...(opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {}), ...(opts.runAt ? { runAt: opts.runAt } : {}) };
          const runs = await cp.em().transactional(async (em) => {
            // The in-progress guard locks task rows: the built-in spawnable's.
            if (!opts.force && spawnable.name === MOTIVATIONAL_TASK_SPAWNABLE) await assertNoActiveRuns(em, taskIds);
            return cp.spawnSubjects(spawnable, taskIds, { em, ...timing });
          });
          if (opts.relay) await cp.relayNow();
          for (const run of runs) process.stdout.write(`${run.runId}\t${run.subjectId}\t${run.workflow}\n`);
        } catch (error) {
          if (error instanceof RunInProgressError) error.message += '; pass --force to spawn another';
          throw error;
        } finally {
          await cp.close();
        }
      }),
    );
}
