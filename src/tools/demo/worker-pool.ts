/**
 * Starts worker processes as real OS processes (`workers/main` on the same
 * Node as this process: the `.ts` source under tsx when this module runs from
 * src/, the built `.js` on plain node when it runs from dist/) and stops them
 * with SIGTERM, which lets them drain. Used by the demo, the benchmark and the
 * tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this code runs from the TypeScript sources (tsx, ts-jest), false from the built dist/. */
export const RUNS_FROM_SOURCES = import.meta.url.endsWith('.ts');

/** A sibling module's path in the form this code runs from: `.ts` from src/, `.js` from dist/. */
export function siblingEntry(relative: string, base: string | URL): string {
  return fileURLToPath(new URL(RUNS_FROM_SOURCES ? relative : relative.replace(/\.ts$/, '.js'), base));
}

export const WORKER_ENTRY = siblingEntry('../../workers/main.ts', import.meta.url);

/** Node flags a child needs to run an entry from siblingEntry: tsx for the sources (tsx is a dev dependency), none for dist/. */
export const ENTRY_EXEC_ARGV: readonly string[] = RUNS_FROM_SOURCES ? ['--import', 'tsx'] : [];

const TYPESCRIPT_FILE = /\.[cm]?ts$/;

/**
 * Node flags of a worker process: ENTRY_EXEC_ARGV, plus tsx when the built
 * worker (dist/, plain node) is to load a TypeScript workflow module and the
 * application has tsx: tsx resolves `./x.js` to `./x.ts` as tsc does, where
 * Node's own type stripping does not. Without tsx, Node's type stripping is
 * left to try.
 */
export function workerExecArgv(workflowModules: readonly string[] | undefined, cwd = process.cwd()): string[] {
  if (RUNS_FROM_SOURCES || !workflowModules?.some((file) => TYPESCRIPT_FILE.test(file))) return [...ENTRY_EXEC_ARGV];
  try {
    // `--import tsx` resolves from the working directory, as this does.
    createRequire(path.join(cwd, 'noop.js')).resolve('tsx');
    return ['--import', 'tsx'];
  } catch {
    return [];
  }
}

export interface WorkerPoolOptions {
  count: number;
  env: NodeJS.ProcessEnv;
  /** Inherit stdio (see the workers' logs) or keep quiet. @defaultValue 'ignore' */
  stdio?: 'inherit' | 'ignore';
  /** How long to wait for each worker's ready message, in ms. @defaultValue 30000 */
  readyTimeoutMs?: number;
}

export class WorkerPool {
  readonly processes: ChildProcess[] = [];

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool();
    await Promise.all(Array.from({ length: options.count }, () => pool.add(options)));
    return pool;
  }

  /** Starts one more worker; resolves when it is ready to take jobs. */
  add(options: Omit<WorkerPoolOptions, 'count'>): Promise<ChildProcess> {
    const stdio = options.stdio ?? 'ignore';
    const child = fork(WORKER_ENTRY, [], {
      execArgv: [...ENTRY_EXEC_ARGV],
      env: options.env,
      stdio: [stdio, stdio, stdio === 'ignore' ? 'pipe' : 'inherit', 'ipc'],
    });
    this.processes.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${child.pid} not ready in time: ${stderr}`)), options.readyTimeoutMs ?? 30_000);
      child.on('message', (message: { type?: string }) => {
        if (message?.type === 'ready') {
          clearTimeout(timer);
          resolve(child);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with code ${code} before it was ready: ${stderr.trim()}`));
      });
    });
  }

  /** SIGTERM to every live worker; resolves when all have exited. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((child) => stopChild(child, 'SIGTERM')));
  }
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
