import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import { migrateUp, openOrm } from '../db/orm.js';
import { createLogger } from '../logging/logger.js';
import { DEFAULT_REDIS_URL } from '../redis/connection-factory.js';
import { action } from './exit.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the control plane: outbox relay and results recorder, until SIGTERM/SIGINT')
    .option('--migrate', 'apply pending migrations first')
    .action(
      action(async (opts: { migrate?: boolean }) => {
        const config = loadConfig();
        const log = createLogger('nyx', config.LOG_LEVEL);
        const orm = await openOrm({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.NYX_DATA_DIR });
        if (opts.migrate) await migrateUp(orm);
        const cp = await ControlPlane.open({ config, redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL, log, orm });
        await cp.start();
        log.info({ pid: process.pid }, 'control plane started');
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          log.info({ signal }, 'control plane stopping: relay finishes its batch, recorder flushes');
          await cp.close();
          await orm.close();
          process.exit(0);
        };
        process.on('SIGTERM', () => void stop('SIGTERM'));
        process.on('SIGINT', () => void stop('SIGINT'));
      }),
    );
}
