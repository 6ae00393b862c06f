import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { assertMigrated } from '../db/orm.js';
import { RunInProgressError } from '../producers/errors/index.js';
import { assertNoActiveRuns } from '../producers/guard-active-runs.js';
import { createLogger } from '../logging/logger.js';
import { DEFAULT_REDIS_URL } from '../redis/connection-factory.js';
import { action } from './exit.js';

export function registerSpawnCommand(program: Command): void {
  program
    .command('spawn')
    .description('spawn runs for existing task ids (written to the outbox; a running `nyx start` relays them)')
    .argument('<taskId...>', 'task ids (uuid)')
    .option('--relay', 'also relay them to Redis now, without a running control plane')
    .option('--force', 'spawn even a task whose run is not finished (otherwise refused, exit 1, as the API answers 409)')
    .action(
      action(async (taskIds: string[], opts: { relay?: boolean; force?: boolean }) => {
        const config = loadConfig();
        const log = createLogger('nyx', config.LOG_LEVEL);
        const cp = await ControlPlane.open({ config, redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL, log });
        try {
          await assertMigrated(cp.orm);
          const runs = await cp.em().transactional(async (em) => {
            if (!opts.force) await assertNoActiveRuns(em, taskIds);
            return cp.spawn(taskIds, em);
          });
          if (opts.relay) while ((await cp.relay.relayOnce()) > 0);
          for (const run of runs) process.stdout.write(`${run.runId}\t${run.taskId}\t${run.workflow}\n`);
        } catch (error) {
          if (error instanceof RunInProgressError) error.message += '; pass --force to spawn another';
          throw error;
        } finally {
          await cp.close();
        }
      }),
    );
}
