import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { assertMigrated } from '../db/orm.js';
import { createLogger } from '../logging/logger.js';
import { DEFAULT_REDIS_URL } from '../redis/connection-factory.js';
import { action } from './exit.js';

export function registerSpawnCommand(program: Command): void {
  program
    .command('spawn')
    .description('spawn runs for existing task ids (written to the outbox; a running `nyx start` relays them)')
    .argument('<taskId...>', 'task ids (uuid)')
    .option('--relay', 'also relay them to Redis now, without a running control plane')
    .action(
      action(async (taskIds: string[], opts: { relay?: boolean }) => {
        const config = loadConfig();
        const log = createLogger('nyx', config.LOG_LEVEL);
        const cp = await ControlPlane.open({ config, redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL, log });
        try {
          await assertMigrated(cp.orm);
          const runs = await cp.spawn(taskIds);
          if (opts.relay) while ((await cp.relay.relayOnce()) > 0);
          for (const run of runs) process.stdout.write(`${run.runId}\t${run.taskId}\t${run.workflow}\n`);
        } finally {
          await cp.close();
        }
      }),
    );
}
