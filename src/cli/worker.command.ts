import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { loadWorkerConfig } from '../shared/config/config.js';
import { WORKER_ENTRY, workerExecArgv } from '../tools/demo/worker-pool.js';
import { intOption } from './options.js';

/**
 * `nyx worker` re-executes itself as workers/main in a fresh process:
 * the CLI module graph includes control-plane code, and a worker must start
 * from an entry point that never loads it.
 *
 * The child gets an IPC channel for one reason: it closes when this process
 * dies, however it dies. SIGTERM/SIGINT are forwarded (the worker drains),
 * but a SIGKILL — what a supervisor sends after its timeout — cannot be, and
 * the closed channel is then what makes the worker exit (within a second,
 * see run-worker.ts) instead of running on under PID 1 with old settings.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker process (needs only REDIS_URL; no database)')
    .option('--concurrency <n>', 'jobs at once (NYX_WORKER_CONCURRENCY)', intOption(1, 10_000))
    .action((opts: { concurrency?: number }) => {
      const env = { ...process.env };
      if (opts.concurrency) env.NYX_WORKER_CONCURRENCY = String(opts.concurrency);
      const child = spawn(process.execPath, [...workerExecArgv(workflowModulesOf(env)), WORKER_ENTRY], {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        env,
      });
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    });
}

/** The configured workflow modules; a bad configuration is left to the worker process, which reports it (exit 2). */
function workflowModulesOf(env: NodeJS.ProcessEnv): readonly string[] | undefined {
  try {
    return loadWorkerConfig(env).workflowModules;
  } catch {
    return undefined;
  }
}
