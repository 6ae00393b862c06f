/**
 * `nyx worker` runs the real worker as a child process. Whatever kills the
 * `nyx worker` process — here SIGKILL, what a supervisor sends after its
 * timeout, and which cannot be forwarded — no worker may outlive it: within
 * 2 s the child is gone and Redis holds no worker connection of its prefix
 * (CLIENT LIST), idle or in the middle of a job. Real processes, real Redis.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TASK_SPAWN_CONTEXT_SCHEMA, TASK_SPAWN_CONTEXT_VERSION, WORKFLOW_JOB_NAME, WORKFLOW_QUEUE } from '../../src/dto/index.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

const FAULT_WORKFLOWS_MODULE = fileURLToPath(new URL('../fixtures/workflows/fault-workflows.ts', import.meta.url));

/**
 * Whether a process with this pid still runs. A zombie (state Z: exited, not
 * yet reaped by whoever adopted it) holds no socket and runs no code, so it
 * counts as gone; Linux /proc tells it apart where `kill(pid, 0)` cannot.
 */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

interface StartedWorker {
  parent: ChildProcess;
  childPid: number;
}

/** `nyx worker` as a real process; resolves with the pid its worker child logs once ready. */
function startNyxWorker(prefix: string): Promise<StartedWorker> {
  const parent = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
    env: {
      ...process.env,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      NYX_WORKFLOW_MODULES: FAULT_WORKFLOWS_MODULE,
      NYX_SHUTDOWN_TIMEOUT_MS: '30000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in time: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
      const line = output.split('\n').find((l) => l.includes('"worker ready"'));
      if (line) {
        clearTimeout(timer);
        resolve({ parent, childPid: JSON.parse(line).pid as number });
      }
    };
    parent.stdout.on('data', onData);
    parent.stderr.on('data', onData);
    parent.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nyx worker exited with ${code}: ${output}`));
    });
  });
}

/** CLIENT LIST lines whose connection name BullMQ gave under this prefix (`<prefix>:<base64 queue name>…`). */
async function workerConnections(redis: Redis, prefix: string): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${prefix}:`));
}

describe('nyx worker: no orphan after SIGKILL', () => {
  const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
  const started: StartedWorker[] = [];
  const prefixes: string[] = [];

  afterAll(async () => {
    for (const { parent, childPid } of started) {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    }
    for (const prefix of prefixes) await deletePrefix(SHARED_REDIS_URL, prefix);
    redis.disconnect();
  });

  const killAndExpectNoOrphan = async (worker: StartedWorker, prefix: string) => {
    expect(worker.childPid).not.toBe(worker.parent.pid);
    expect(alive(worker.childPid)).toBe(true);
    expect((await workerConnections(redis, prefix)).length).toBeGreaterThan(0);
    const exited = new Promise((resolve) => worker.parent.once('exit', resolve));
    const killedAt = Date.now();
    worker.parent.kill('SIGKILL');
    await exited;
    // Polls every 50 ms for at most 2 s: both must hold by then.
    await waitFor(
      'worker child gone and its Redis connections closed',
      async () => !alive(worker.childPid) && (await workerConnections(redis, prefix)).length === 0,
      2_000,
      50,
    );
    process.stdout.write(`SIGKILL of nyx worker: child and its connections gone after ${Date.now() - killedAt} ms\n`);
  };

  it('an idle worker exits with its parent', async () => {
    const prefix = uniquePrefix('orphan-idle');
    prefixes.push(prefix);
    const worker = await startNyxWorker(prefix);
    started.push(worker);
    await killAndExpectNoOrphan(worker, prefix);
  });

  it('a worker in the middle of a long job exits too (the job is left to stalled-job recovery)', async () => {
    const prefix = uniquePrefix('orphan-busy');
    prefixes.push(prefix);
    const worker = await startNyxWorker(prefix);
    started.push(worker);
    const connection = redis.duplicate();
    const queue = new Queue(WORKFLOW_QUEUE, { prefix, connection });
    try {
      const taskId = randomUUID();
      const data = {
        taskId,
        generatedPrompt: 'sleep a while',
        motivationType: 'test-sleep',
        priority: 1,
        arbitrationScore: 0.5,
        createdAt: new Date().toISOString(),
        intensity: 0.5,
        metadata: { sleepMs: 60_000 },
      };
      const job = await queue.add(WORKFLOW_JOB_NAME, { schema: TASK_SPAWN_CONTEXT_SCHEMA, v: TASK_SPAWN_CONTEXT_VERSION, data }, { jobId: randomUUID() });
      await waitFor('job active', async () => ((await job.getState()) === 'active' ? true : null), 30_000);
      // Closed first: its own connection carries the prefix's name too.
      await queue.close();
      connection.disconnect();
      await killAndExpectNoOrphan(worker, prefix);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
