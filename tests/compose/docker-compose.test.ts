/**
 * Docker does not run on the project's machines, so the compose file is
 * checked here instead: every service's command is a real `nyx` command
 * (run with --help as a real process, exit 0), the Dockerfile's CMD too,
 * workers get no database credentials and can scale, and the control
 * plane's healthcheck — run for real against a running service — passes
 * when /health answers and fails when nothing does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { canConnect, freePort } from '../../src/tools/demo/ensure-redis.js';
import { waitFor } from '../support/wait-for.js';
import { startTestService, type TestService } from '../control-plane/api/support/api-harness.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  volumes?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const dockerfile = readFileSync('Dockerfile', 'utf8');

/**
 * `nyx <command> --help`, as a real process on this Node: the CLI from its
 * sources through tsx, which is what bin/nyx.js runs once built (the built
 * bin is covered by tests/package), so no build is needed here.
 */
function nyxHelp(command: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', command, '--help'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: 'true' },
  });
}

function nyxCommandOf(argv: readonly string[] | undefined): string | null {
  if (!argv || argv[0] !== 'node' || argv[1] !== 'bin/nyx.js') return null;
  return argv[2] ?? null;
}

describe('docker-compose.yml', () => {
  it('has postgres, redis, a one-shot migrate, the control plane and workers', () => {
    expect(Object.keys(services).sort()).toEqual(['control-plane', 'migrate', 'postgres', 'redis', 'worker']);
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services['control-plane']!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('runs only real entry points: every nyx command answers --help with exit 0', () => {
    const commands = new Map<string, string>();
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) {
        const command = nyxCommandOf(service.command);
        expect({ name, command }).toEqual({ name, command: expect.any(String) });
        commands.set(name, command!);
      } else {
        expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^(postgres|redis):\d+/) });
      }
    }
    expect([...commands.values()].sort()).toEqual(['migrate', 'start', 'worker']);
    expect(existsSync('bin/nyx.js')).toBe(true);
    for (const [name, command] of commands) {
      const result = nyxHelp(command);
      expect({ name, command, status: result.status, stderr: result.stderr }).toEqual({ name, command, status: 0, stderr: '' });
      expect(result.stdout).toContain(`Usage: nyx ${command}`);
    }
  });

  it('builds one image from the Dockerfile (node:24-bookworm-slim, npm ci) whose CMD is `nyx start`', () => {
    const images = new Set(
      Object.values(services)
        .filter((s) => s.build !== undefined)
        .map((s) => `${String(s.build)} → ${s.image}`),
    );
    expect([...images]).toEqual(['. → nyx-orchestrator:local']);
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(JSON.parse(cmd![1]!)).toEqual(['node', 'bin/nyx.js', 'start']);
    // Nothing from the host is mounted over the image; the data services keep their data in named volumes only.
    for (const service of Object.values(services)) {
      if (service.build !== undefined) expect(service).not.toHaveProperty('volumes');
      for (const volume of service.volumes ?? []) expect(volume).toMatch(/^[a-z][a-z0-9-]*:\//);
    }
  });

  it('the image has every package the code imports: `dependencies` and the peer dependencies it installs', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.[jt]s$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    // The bench's graphile-worker peer is a dev dependency: only its own modules import it, and the bench
    // loads them with a dynamic import that skips the G phases when it is missing (src/tools/bench/run-bench.ts).
    const benchOnly = new Set(['graphile-worker']);
    const imported = new Set<string>();
    for (const file of [...files('src'), ...files('bin')]) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from |import\()'([^'.][^']*)'/g)) {
        if (spec!.startsWith('node:') || builtinModules.includes(spec!)) continue;
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (benchOnly.has(name)) {
          expect(file).toMatch(/^src\/tools\/bench\/graphile[-.][a-z-.]+\.ts$/);
          continue;
        }
        imported.add(name);
      }
    }
    const staticGraphile = files('src').filter(
      (f) => !/^src\/tools\/bench\/graphile[-.]/.test(f) && /from '\.\/graphile[-.][a-z-.]+\.js'/.test(readFileSync(f, 'utf8')),
    );
    expect(staticGraphile).toEqual([]);
    expect(readFileSync('src/tools/bench/run-bench.ts', 'utf8')).toContain("await import('./graphile.bench.js')");
    expect(imported.size).toBeGreaterThan(10);
    expect([...imported].filter((name) => !(name in pkg.dependencies) && !(name in pkg.peerDependencies))).toEqual([]);
    // The image's install step drops the peers' dev listing so `npm ci --omit=dev` installs them (see the Dockerfile).
    expect(dockerfile).toMatch(/delete p\.devDependencies\[name\][\s\S]*npm ci --omit=dev/);
  });

  it('gives workers Redis and no database: no DATABASE_URL, nothing that names postgres', () => {
    const env = services.worker!.environment ?? {};
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    for (const value of Object.values(env)) expect(String(value)).not.toMatch(/postgres/i);
    expect(Object.keys(services.worker!.depends_on ?? {})).toEqual(['redis']);
  });

  it('lets workers scale (--scale worker=N): no fixed container name, no published port', () => {
    expect(services.worker).not.toHaveProperty('container_name');
    expect(services.worker).not.toHaveProperty('ports');
  });

  it('publishes the control plane port, binds beyond loopback only with a token, and agrees with the control plane config', () => {
    const cp = services['control-plane']!;
    expect(cp.ports).toEqual(['3000:3000']);
    expect(cp.environment).toMatchObject({ HOST: '0.0.0.0', PORT: '3000', DATABASE_URL: expect.stringMatching(/^postgresql:\/\//) });
    // Required at `docker compose up` (interpolation fails without it), never written in the file.
    expect(cp.environment!.NYX_ADMIN_TOKEN).toMatch(/^\$\{NYX_ADMIN_TOKEN:\?.+\}$/);
    expect(cp.environment!.REDIS_URL).toBe(services.worker!.environment!.REDIS_URL);
    expect(cp.environment!.NYX_QUEUE_PREFIX).toBe(services.worker!.environment!.NYX_QUEUE_PREFIX);
  });

  it('runs Redis as production should: append-only file on a volume, noeviction (checked on a real redis-server)', async () => {
    const redis = services.redis!;
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['redis-data', 'postgres-data']));
    const [program, ...args] = redis.command!;
    expect(program).toBe('redis-server');
    // The same arguments, with the data directory and port of a private server.
    const dir = mkdtempSync(join(tmpdir(), 'nyx-compose-redis-'));
    const port = await freePort();
    const withDir = args.map((arg, i) => (args[i - 1] === '--dir' ? dir : arg));
    const child = spawn('redis-server', [...withDir, '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    await waitFor('redis-server to answer', () => canConnect(port), 10_000, 50);
    const client = new Redis({ port, host: '127.0.0.1' });
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      await client.set('kept', '1');
    } finally {
      client.disconnect();
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    // What was written survives the restart: the append-only file is in the volume's directory.
    const again = spawn('redis-server', [...withDir, '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    await waitFor('redis-server to answer again', () => canConnect(port), 10_000, 50);
    const reader = new Redis({ port, host: '127.0.0.1' });
    try {
      expect(await reader.get('kept')).toBe('1');
    } finally {
      reader.disconnect();
      await new Promise((resolve) => {
        again.once('exit', resolve);
        again.kill('SIGKILL');
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has healthchecks for postgres, redis and the control plane (on /health)', () => {
    for (const name of ['postgres', 'redis', 'control-plane']) expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(1);
    expect(services['control-plane']!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:3000/health');
  });

  describe("the control plane's healthcheck command, run for real", () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService();
    });
    afterAll(async () => {
      await t?.close();
    });

    const runHealthcheck = (port: number) => {
      const [kind, program, ...args] = services['control-plane']!.healthcheck!.test;
      expect([kind, program]).toEqual(['CMD', 'node']);
      // Same script, pointed at the test service's port instead of the container's 3000.
      const script = args.map((a) => a.replace('127.0.0.1:3000', `127.0.0.1:${port}`));
      // Asynchronously: the service answering it runs in this very process.
      const child = spawn(process.execPath, script, { stdio: 'ignore', timeout: 30_000 });
      return new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    };

    it('exits 0 while /health answers, 1 when nothing listens', async () => {
      expect(await runHealthcheck(t.service.port)).toBe(0);
      expect(await runHealthcheck(await freePort())).toBe(1);
    });
  });
});
