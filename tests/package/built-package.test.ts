/**
 * The package as a user gets it, built by tsc (tsconfig.build.json) into a
 * temporary copy of the package root (package.json, bin/, dist/, and a link
 * to this checkout's node_modules), so the test needs no prior build and
 * leaves none behind:
 * - the `nyx` bin runs the built JavaScript on plain node (no tsx): --version,
 *   `nyx migrate` against a real PostgreSQL, and `nyx worker` running a job
 *   of a TypeScript workflow module (NYX_WORKFLOW_MODULES; through tsx, which
 *   this checkout has, since Node's type stripping would not map `./x.js`);
 * - the worker-safe entry `nyx-orchestrator/workflow` (through the exports
 *   map) loads no @mikro-orm, no pg and no control-plane module, while the
 *   main entry does load MikroORM (so the probe sees what it looks for);
 * - on a Node older than 22.17 (the system Node of these machines) the bin
 *   prints one line and exits 2 before loading anything that needs more.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import pg from 'pg';
import { stopChild } from '../../src/tools/demo/worker-pool.js';
import { WORKFLOW_QUEUE, wrapTaskSpawnContext } from '../../src/dto/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

let pkg: string;

beforeAll(() => {
  pkg = mkdtempSync(path.join(tmpdir(), 'nyx-package-'));
  cpSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
}, 300_000);

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

function runBin(node: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(node, [path.join(pkg, 'bin/nyx.js'), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...env, CI: 'true' } });
}

describe('the built nyx bin on this Node (24)', () => {
  it('prints the package version with plain node, no tsx', () => {
    const result = runBin(process.execPath, ['--version']);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  describe('nyx migrate against a real PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('applies the checked-in migrations from dist/', async () => {
      const result = runBin(process.execPath, ['migrate'], { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/^applied: Migration\d+_initial/);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public' and table_name in ('workflow_run', 'outbox_message') order by 1",
        );
        // The outbox is the run row (Migration20261202110000_run_outbox dropped outbox_message).
        expect(rows.map((row) => row.table_name)).toEqual(['workflow_run']);
      } finally {
        await client.end();
      }
    });
  });

  describe('nyx worker with a TypeScript workflow module', () => {
    const prefix = uniquePrefix('built-worker');
    let queue: Queue | undefined;
    afterAll(async () => {
      await queue?.close();
      await deletePrefix(SHARED_REDIS_URL, prefix);
    });

    it('runs a job of that workflow: its output is the job result', async () => {
      const child = spawn(process.execPath, [path.join(pkg, 'bin/nyx.js'), 'worker'], {
        cwd: pkg,
        env: {
          ...process.env,
          CI: 'true',
          REDIS_URL: SHARED_REDIS_URL,
          NYX_QUEUE_PREFIX: prefix,
          NYX_WORKFLOW_MODULES: path.join(ROOT, 'tests/workers/workflows/support/digest.workflow.ts'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitFor(`the built worker to be ready (${output})`, () => output.includes('worker ready'), 60_000);
        queue = new Queue(WORKFLOW_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
        const payload = wrapTaskSpawnContext({
          taskId: '3a7c9e1b-5d2f-4a6b-8c0d-1e2f3a4b5c6d',
          generatedPrompt: 'Reflect on the week and its three longest meetings.',
          motivationType: 'reflection',
          intensity: 0.4,
          priority: 1,
          arbitrationScore: 0.5,
          createdAt: new Date('2026-03-04T05:06:07Z'),
        });
        const job = await queue.add('spawn', payload, { jobId: '7b1d3f5a-9c2e-4d6f-8a0b-2c4e6f8a0b1c' });
        await waitFor('the job to complete', async () => (await job.getState()) === 'completed', 60_000);
        const done = await queue.getJob(job.id!);
        expect(done?.returnvalue).toMatchObject({ workflow: 'digest', output: { words: 9, longest: 'meetings.', createdOn: '2026-03-04' } });
      } finally {
        await stopChild(child, 'SIGTERM');
      }
      expect(output).not.toMatch(/Error/);
    }, 120_000);
  });
});

/** Imports `specifier` from inside the package copy (self-reference through its exports map); returns what it exported and every module URL resolved. */
function probe(specifier: string): { exports: Record<string, string>; resolved: string[] } {
  const script = path.join(pkg, 'probe.mjs');
  writeFileSync(
    script,
    `import { registerHooks } from 'node:module';
const resolved = [];
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.push(result.url); return result; } });
const module = await import(process.argv[2]);
const exports = Object.fromEntries(Object.entries(module).map(([name, value]) => [name, typeof value]));
process.stdout.write(JSON.stringify({ exports, resolved }));
`,
  );
  const result = spawnSync(process.execPath, [script, specifier], { cwd: pkg, encoding: 'utf8', timeout: 60_000 });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(result.stdout) as { exports: Record<string, string>; resolved: string[] };
}

const ORM_OR_CONTROL_PLANE = /\/node_modules\/(@mikro-orm|pg|pg-[a-z-]+)\/|\/dist\/(entities|db|producers|outbox|recorder|control-plane|api)\//;

describe('the entries, built', () => {
  it('nyx-orchestrator/workflow loads no ORM, no pg and no control-plane module', () => {
    const { exports, resolved } = probe('nyx-orchestrator/workflow');
    expect(exports).toMatchObject({ defineWorkflow: 'function', startWorker: 'function', TaskSpawnContext: 'object', WorkflowUnrecoverableError: 'function' });
    // Positive controls: the probe saw the entry's real graph.
    expect(resolved.some((url) => url.endsWith('/dist/workflow.js'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/zod/'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/bullmq/'))).toBe(true);
    expect(resolved.filter((url) => ORM_OR_CONTROL_PLANE.test(url))).toEqual([]);
  });

  it('nyx-orchestrator (the control-plane entry) loads MikroORM and exports the control plane', () => {
    const { exports, resolved } = probe('nyx-orchestrator');
    expect(exports).toMatchObject({
      ControlPlane: 'function',
      migrate: 'function',
      nyxEntities: 'object',
      defineWorkflow: 'function',
      UnknownTaskError: 'function',
    });
    expect(resolved.some((url) => url.includes('/node_modules/@mikro-orm/core/'))).toBe(true);
  });
});

/** A Node older than 22.17 on PATH outside any node_modules (the `node` dev dependency puts Node 24 first). */
function olderSystemNode(): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !dir.includes('node_modules'));
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const [major = 0, minor = 0] = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 17)) return candidate;
  }
  return null;
}

describe('the nyx bin on an older Node', () => {
  it('prints one line saying Node >= 22.17 is needed and exits 2', () => {
    const node = olderSystemNode();
    expect({ olderNodeFound: node !== null }).toEqual({ olderNodeFound: true });
    for (const args of [['--version'], ['worker']]) {
      const result = runBin(node!, args);
      expect({ args, status: result.status, stdout: result.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^nyx: needs Node >= 22\.17, but \S+ is Node \d+\.\d+\.\d+\. /)]);
    }
  });
});
