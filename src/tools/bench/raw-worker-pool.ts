/**
 * Forks raw BullMQ worker processes (raw-bullmq-worker.ts) the way
 * src/tools/demo/worker-pool.ts forks real ones: same Node, same flags,
 * so both phases pay the same per-process overhead.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { ENTRY_EXEC_ARGV, siblingEntry, stopChild } from '../demo/worker-pool.js';

const RAW_WORKER_ENTRY = siblingEntry('./raw-bullmq-worker.ts', import.meta.url);

export class RawWorkerPool {
  readonly processes: ChildProcess[] = [];

  static async start(options: { count: number; queue: string; env: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<RawWorkerPool> {
    const pool = new RawWorkerPool();
    try {
      await Promise.all(Array.from({ length: options.count }, () => pool.#add(options)));
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  #add(options: { queue: string; env: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<void> {
    const child = fork(RAW_WORKER_ENTRY, [options.queue], {
      execArgv: [...ENTRY_EXEC_ARGV],
      env: options.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.processes.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw bench worker ${child.pid} not ready in time: ${stderr}`)), options.readyTimeoutMs ?? 30_000);
      child.on('message', (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`raw bench worker exited with code ${code} before it was ready: ${stderr.trim()}`));
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((child) => stopChild(child, 'SIGTERM')));
  }
}
