/**
 * Forks bench worker processes — the raw BullMQ baseline
 * (raw-bullmq-worker.ts) and the peers (graphile-peer-worker.ts,
 * hand-glue-worker.ts) — the way src/tools/demo/worker-pool.ts forks real
 * ones: same Node, same flags, so every phase pays the same per-process
 * overhead. An entry says it is ready with `{ type: 'ready' }` over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { ENTRY_EXEC_ARGV, siblingEntry, stopChild } from '../demo/worker-pool.js';

const RAW_WORKER_ENTRY = siblingEntry('./raw-bullmq-worker.ts', import.meta.url);

export interface ForkedPoolOptions {
  count: number;
  /** Absolute path of the entry (see siblingEntry). */
  entry: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** What the error messages call these processes. */
  label: string;
  readyTimeoutMs?: number;
}

export class ForkedWorkerPool {
  readonly processes: ChildProcess[] = [];

  static async start(options: ForkedPoolOptions): Promise<ForkedWorkerPool> {
    const pool = new ForkedWorkerPool();
    try {
      await Promise.all(Array.from({ length: options.count }, () => pool.#add(options)));
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  #add(options: ForkedPoolOptions): Promise<void> {
    const child = fork(options.entry, [...options.args], {
      execArgv: [...ENTRY_EXEC_ARGV],
      env: options.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.processes.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.label} ${child.pid} not ready in time: ${stderr}`)), options.readyTimeoutMs ?? 30_000);
      child.on('message', (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.label} exited with code ${code} before it was ready: ${stderr.trim()}`));
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((child) => stopChild(child, 'SIGTERM')));
  }
}

/** Raw BullMQ workers with a no-op processor on `queue` (phase A). */
export const RawWorkerPool = {
  start(options: { count: number; queue: string; env: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<ForkedWorkerPool> {
    return ForkedWorkerPool.start({ ...options, entry: RAW_WORKER_ENTRY, args: [options.queue], label: 'raw bench worker' });
  },
};
