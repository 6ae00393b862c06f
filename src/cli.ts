/** The `nyx` command line. Thin: each command lives in src/cli/<name>.command.ts. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCheckBoundaryCommand } from './tools/boundary-scanner/check-boundary.command.js';
import { registerBenchCommand } from './cli/bench.command.js';
import { registerDemoCommand } from './cli/demo.command.js';
import { registerDlqCommand } from './cli/dlq.command.js';
import { registerMigrateCommand } from './cli/migrate.command.js';
import { registerRunsCommand } from './cli/runs.command.js';
import { registerSchedulesCommand } from './cli/schedules.command.js';
import { registerSpawnCommand } from './cli/spawn.command.js';
import { registerStartCommand } from './cli/start.command.js';
import { registerWorkerCommand } from './cli/worker.command.js';
import { exitOnUsageError } from './cli/usage-error.js';

// ../package.json from src/cli.ts and from dist/cli.js alike.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('nyx')
  .version(version)
  .description('nyx-orchestrator: MikroORM control plane, BullMQ workers — session boundaries are data boundaries')
  .showHelpAfterError();
exitOnUsageError(program);

registerDemoCommand(program);
registerStartCommand(program);
registerWorkerCommand(program);
registerMigrateCommand(program);
registerSpawnCommand(program);
registerRunsCommand(program);
registerSchedulesCommand(program);
registerDlqCommand(program);
registerCheckBoundaryCommand(program);
registerBenchCommand(program);

await program.parseAsync(process.argv);
