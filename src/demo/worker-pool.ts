/**
 * Starts worker processes as real OS processes (`src/workers/main.ts` under
 * tsx, on the same Node as this process) and stops them with SIGTERM, which
 * lets them drain. Used by the demo, the benchmark and the tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const WORKER_ENTRY = fileURLToPath(new URL('../workers/main.ts', import.meta.url));

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
      execArgv: ['--import', 'tsx'],
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
