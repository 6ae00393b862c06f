import type { Command } from 'commander';
import { startService } from '../control-plane/api/start-service.js';
import { loadConfig } from '../shared/config/config.js';
import { createLogger } from '../shared/logging/logger.js';
import { action } from './exit.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run the control plane as a service: outbox relay, results recorder and the HTTP server ' +
        '(API, dashboard at /admin/queues, /health, /ready, /metrics on HOST:PORT), until SIGTERM/SIGINT',
    )
    .option('--migrate', 'apply pending migrations first')
    .action(
      action(async (opts: { migrate?: boolean }) => {
        const config = loadConfig();
        const log = createLogger('nyx', config.logLevel);
        const service = await startService(config, { log, migrate: Boolean(opts.migrate) });
        log.info({ url: service.url, dashboard: `${service.url}/admin/queues` }, 'control plane started');
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) {
            // A second signal while draining: the operator wants out now (nothing is lost, see startService).
            log.warn({ signal }, 'second signal: exiting without waiting');
            process.exit(1);
          }
          stopping = true;
          log.info({ signal }, 'control plane stopping: HTTP requests finish, relay finishes its batch, recorder flushes');
          try {
            await service.close();
          } catch (error) {
            log.error({ err: error }, 'error while stopping');
            process.exit(1);
          }
          process.exit(0);
        };
        process.on('SIGTERM', () => void stop('SIGTERM'));
        process.on('SIGINT', () => void stop('SIGINT'));
      }),
    );
}
