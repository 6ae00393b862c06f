import type { Command } from 'commander';
import { loadConfig } from '../shared/config/config.js';
import { formatDemoSummary, runDemo } from '../tools/demo/run-demo.js';
import { action } from './exit.js';
import { intOption } from './options.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed tasks, spawn them, run them on worker processes, print a summary (PGlite and a private Redis by default)')
    .option('--tasks <n>', 'tasks to seed and spawn', intOption(1, 1_000_000), 1000)
    .option('--workers <n>', 'worker processes', intOption(1, 64), 2)
    .option('--json', 'print the summary as one JSON object on the last line')
    .action(
      action(async (opts: { tasks: number; workers: number; json?: boolean }) => {
        const summary = await runDemo(loadConfig(), { tasks: opts.tasks, workers: opts.workers, json: Boolean(opts.json) });
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else process.stdout.write(`${formatDemoSummary(summary)}\n`);
        if (summary.completed + summary.failed + summary.dead < summary.tasks) process.exitCode = 1;
      }),
    );
}
