/**
 * `nyx start` as a function: the control plane (relay, recorder) plus the
 * HTTP server, listening — and `close()`, which stops in the safe order:
 * stop taking requests (in-flight ones finish), stop the relay after its
 * batch, flush the recorder, close Redis and PostgreSQL.
 *
 * Tests start it in-process on port 0; the CLI command is a thin wrapper.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../shared/config/config.js';
import { ControlPlane } from '../control-plane.js';
import { assertMigrated, migrateUp, openOrm, type Orm } from '../db/orm.js';
import { createLogger, type Logger } from '../../shared/logging/logger.js';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { resolveWorkflowRegistry } from '../../workers/load-workflow-modules.js';
import type { WorkflowRegistry } from '../../workers/workflows/registry.js';
import { assertSafeBind } from './assert-safe-bind.js';
import { buildServer } from './build-server.js';
import { settleWithin } from '../../shared/batching/timeout.js';

export interface StartServiceOptions {
  /** @defaultValue a pino logger at LOG_LEVEL */
  log?: Logger;
  /** Apply pending migrations before starting. @defaultValue false */
  migrate?: boolean;
  /**
   * Refuse to start (PendingMigrationsError, DatabaseMissingError) when the
   * database lacks migrations and `migrate` is off, rather than serve 500s.
   * Off only to watch `/ready` report it. @defaultValue true
   */
  requireMigrated?: boolean;
  /** @defaultValue the built-in workflows plus `config.workflowModules` (`resolveWorkflowRegistry`), as the workers load them */
  registry?: WorkflowRegistry;
  /**
   * Longest wait for each of the two slow steps of stopping — the control
   * plane (relay, recorder, Redis) and the database pool — in ms. Both can
   * hang for reasons outside this code: BullMQ 6.7's `Worker.close()` never
   * returns while its Redis connection is reconnecting (the recorder, during
   * or just after a Redis outage), and a pool whose connection died inside a
   * transaction keeps it checked out forever (Kysely 0.29 releases it only
   * after a successful ROLLBACK), so `pool.end()` never returns. Stopping
   * past the deadline is safe: result jobs not yet acknowledged return to
   * the queue when their lock expires, and uncommitted work rolls back.
   * @defaultValue 10000
   */
  closeTimeoutMs?: number;
}

export interface RunningService {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  app: FastifyInstance;
  controlPlane: ControlPlane;
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

/** Every queue of the deployment, named as the workers and the relay name them. */
function deploymentQueues(cp: ControlPlane, registry: WorkflowRegistry): Map<string, Queue> {
  const names = new Set(registry.motivationTypes.map((type) => cp.naming.workflowQueue(type)));
  names.add(cp.naming.resultsQueue);
  names.add(cp.naming.deadLetterQueue);
  return new Map([...names].map((name) => [name, cp.queue(name)]));
}

/** Waits for `work` at most `timeoutMs`; says so in the log when it gave up. */
async function within(what: string, work: Promise<unknown>, timeoutMs: number, log: Logger): Promise<void> {
  if ((await settleWithin(work, timeoutMs)).timedOut) log.warn({ timeoutMs }, `${what} did not stop in time; stopping anyway`);
}

function queueDescriptions(cp: ControlPlane, queues: ReadonlyMap<string, Queue>): Record<string, string> {
  const descriptions: Record<string, string> = {
    [cp.naming.resultsQueue]: 'What workers report for every ended attempt; the control plane records it in PostgreSQL.',
    [cp.naming.deadLetterQueue]:
      'Runs that will not be retried: payload, reason and attempt history. No worker consumes it; `nyx dlq redrive` sends a run again.',
  };
  for (const name of queues.keys()) {
    descriptions[name] ??= 'Workflow jobs, one per run (job id = run id). Their data is validated again by the worker.';
  }
  return descriptions;
}

export async function startService(config: Config, options: StartServiceOptions = {}): Promise<RunningService> {
  assertSafeBind(config.host, config.adminToken);
  const log = options.log ?? createLogger('nyx', config.logLevel);
  // The registry the workers resolve: without the user modules, the API would refuse their tasks as unknown_workflow.
  const registry = options.registry ?? (await resolveWorkflowRegistry(config.workflowModules));
  const orm: Orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
  let controlPlane: ControlPlane | undefined;
  let app: FastifyInstance | undefined;
  try {
    if (options.migrate) {
      const applied = await migrateUp(orm);
      if (applied.length > 0) log.info({ applied }, 'migrations applied');
    } else if (options.requireMigrated !== false) {
      await assertMigrated(orm);
    }
    // Created before the control plane exists, filled in right after: the recorder reports into it.
    let metrics: ServiceMetrics | undefined;
    controlPlane = await ControlPlane.open({
      config,
      redisUrl: config.redisUrl,
      log,
      orm,
      registry,
      onRecorded: (outcomes) => metrics?.observeOutcomes(outcomes),
      onReconciled: (pass) => metrics?.observeReconcilePass(pass),
      onChecked: (checked) => metrics?.observeChecked(checked),
    });
    const cp = controlPlane;
    const queues = deploymentQueues(cp, registry);
    metrics = new ServiceMetrics({
      queues,
      outboxLag: () => cp.outboxLag(),
      zombies: () => cp.zombies(),
      stoppedRuns: () => cp.stoppedRuns(),
      schedules: () => cp.schedules.list(),
      skippedSlots: () => cp.skippedScheduleSlots(),
    });
    app = await buildServer({
      config,
      controlPlane: cp,
      metrics,
      queues,
      deadLetterQueue: cp.naming.deadLetterQueue,
      descriptions: queueDescriptions(cp, queues),
      log,
    });
    await cp.start();
    await app.listen({ port: config.port, host: config.host });
    const { port } = app.server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const server = app;
    if (!config.adminToken) log.warn({ host: config.host }, 'NYX_ADMIN_TOKEN is not set: API and dashboard are open to local users');
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      port,
      app: server,
      controlPlane: cp,
      metrics,
      close: () =>
        (closing ??= (async () => {
          const timeoutMs = options.closeTimeoutMs ?? 10_000;
          await server.close();
          await within('control plane (relay, recorder, Redis)', cp.close(), timeoutMs, log);
          await within('database pool', orm.close(), timeoutMs, log);
        })()),
    };
  } catch (error) {
    await app?.close().catch(() => {});
    await controlPlane?.close().catch(() => {});
    await orm.close().catch(() => {});
    throw error;
  }
}
