/**
 * Workers on "other hosts": each runs in a network namespace of its own that
 * reaches Redis over a veth pair but cannot reach PostgreSQL (which listens on
 * the host's loopback only). They complete every run — the boundary holds
 * across hosts, because a worker needs nothing but REDIS_URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { startPrivateRedis } from '../../src/tools/demo/ensure-redis.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { stopChild, WORKER_ENTRY } from '../../src/tools/demo/worker-pool.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { canCreateNamespaces, createNetworkNamespace, type NetworkNamespace } from '../support/network-namespace.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

const describeAsRoot = canCreateNamespaces() ? describe : describe.skip;

function startWorkerIn(ns: NetworkNamespace, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '--import', 'tsx', WORKER_ENTRY], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker in ${ns.name} exited ${code}: ${stderr}`)));
  });
}

describeAsRoot('workers in their own network namespaces', () => {
  const namespaces: NetworkNamespace[] = [];
  const workers: ChildProcess[] = [];
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane | undefined;

  beforeAll(async () => {
    namespaces.push(createNetworkNamespace(), createNetworkNamespace());
    redis = await startPrivateRedis(
      undefined,
      'redis-server',
      namespaces.map((ns) => ns.hostAddress),
    );
    ({ db, orm } = await createMigratedDatabase());
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopChild(w, 'SIGTERM')));
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await redis?.stop();
    namespaces.forEach((ns) => ns.remove());
  });

  it('reach Redis, cannot reach PostgreSQL, and complete every run', async () => {
    for (const ns of namespaces) {
      const exec = (...args: string[]) => spawnSync('ip', ['netns', 'exec', ns.name, ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(exec('redis-cli', '-h', ns.hostAddress, '-p', String(redis.port), 'ping').stdout.trim()).toBe('PONG');
      expect(exec('pg_isready', '-h', ns.hostAddress, '-p', '5432', '-t', '2').status).not.toBe(0);
      expect(exec('pg_isready', '-h', '127.0.0.1', '-p', '5432', '-t', '2').status).not.toBe(0);
    }

    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: 'nyx-netns' });
    cp = await ControlPlane.open({ config, redisUrl: redis.url, log: silentLog, orm });
    await cp.start();
    for (const ns of namespaces) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        REDIS_URL: `redis://${ns.hostAddress}:${redis.port}`,
        NYX_QUEUE_PREFIX: 'nyx-netns',
        LOG_LEVEL: 'silent',
      };
      // A database URL in the environment changes nothing: workers never read it, and could not reach it.
      env.DATABASE_URL = db.url;
      workers.push(await startWorkerIn(ns, env));
    }

    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 80 }));
    await waitFor('all runs completed', async () => (await orm.em.fork().count(WorkflowRun, { status: 'completed' })) === 80, 60_000);
    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    expect(recorded.every((r) => r.status === 'completed' && r.attempts === 1)).toBe(true);
    // Both remote workers are connected from their own addresses.
    const clients = spawnSync('redis-cli', ['-p', String(redis.port), 'client', 'list'], { encoding: 'utf8' }).stdout;
    for (const ns of namespaces) expect(clients).toContain(`addr=${ns.namespaceAddress}:`);
  });
});
