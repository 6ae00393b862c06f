/**
 * What every fault test needs: its own database and BullMQ prefix, a control
 * plane (relay + recorder) in the test process whose registry knows the
 * test-only workflows, worker processes that load them
 * (NYX_WORKFLOW_MODULES), short lock and stalled intervals, and the final
 * check that no run is left behind.
 */
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { Queue, type Job } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { ControlPlane } from '../../../src/control-plane/control-plane.js';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { stopChild, WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { DEAD_LETTER_QUEUE, WORKFLOW_QUEUE } from '../../../src/dto/index.js';
import { DeadLetter } from '../../../src/dto/dead-letter.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { builtInWorkflows, WorkflowRegistry } from '../../../src/workers/workflows/registry.js';
import { faultWorkflows } from '../../fixtures/workflows/fault-workflows.js';
import { runControlWorkflows } from '../../fixtures/workflows/run-control-workflows.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { silentLog, testConfig } from '../../support/test-config.js';

export const FAULT_WORKFLOWS_MODULE = fileURLToPath(new URL('../../fixtures/workflows/fault-workflows.ts', import.meta.url));
const RUN_CONTROL_WORKFLOWS_MODULE = fileURLToPath(new URL('../../fixtures/workflows/run-control-workflows.ts', import.meta.url));

export const faultRegistry = new WorkflowRegistry([...builtInWorkflows, ...faultWorkflows, ...runControlWorkflows]);

export interface SeedSpec {
  motivationType: string;
  count?: number;
  metadata?: Record<string, unknown>;
  prompt?: string;
  intensity?: number;
  priority?: number;
}

export class FaultHarness {
  readonly workflows: Queue;
  readonly deadLetters: Queue;
  readonly children: ChildProcess[] = [];
  #pools: WorkerPool[] = [];

  private constructor(
    readonly prefix: string,
    readonly db: TestDatabase,
    readonly orm: Orm,
    readonly cp: ControlPlane,
    readonly redisUrl: string,
  ) {
    this.workflows = new Queue(WORKFLOW_QUEUE, { connection: { url: redisUrl }, prefix });
    this.deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection: { url: redisUrl }, prefix });
  }

  /**
   * `relay: false`: no relay runs (tests send jobs themselves, see raw-jobs.ts);
   * `start: false`: neither relay nor recorder is started (start with `cp.start()`);
   * `redisUrl`: a private Redis (tests that kill or limit it) instead of the shared one.
   */
  static async open(
    label: string,
    options: { config?: Record<string, string>; start?: boolean; relay?: boolean; reconciler?: boolean; redisUrl?: string } = {},
  ): Promise<FaultHarness> {
    const prefix = uniquePrefix(label);
    const redisUrl = options.redisUrl ?? SHARED_REDIS_URL;
    const { db, orm } = await createMigratedDatabase();
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix, ...options.config });
    const cp = await ControlPlane.open({
      config,
      redisUrl,
      log: silentLog,
      orm,
      registry: faultRegistry,
      relay: options.relay ?? true,
      reconciler: options.reconciler ?? true,
    });
    if (options.start !== false) await cp.start();
    return new FaultHarness(prefix, db, orm, cp, redisUrl);
  }

  /** Another control plane on the same database and Redis (the caller closes it). */
  async openSecondControlPlane(config: Record<string, string> = {}): Promise<ControlPlane> {
    const cp = await ControlPlane.open({
      config: testConfig({ DATABASE_URL: this.db.url, NYX_QUEUE_PREFIX: this.prefix, ...config }),
      redisUrl: this.redisUrl,
      log: silentLog,
      registry: faultRegistry,
    });
    return cp;
  }

  /** Environment of a worker process on this harness's prefix, loading the test workflows. */
  workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      REDIS_URL: this.redisUrl,
      NYX_QUEUE_PREFIX: this.prefix,
      LOG_LEVEL: process.env.NYX_TEST_LOG_LEVEL ?? 'silent',
      NYX_WORKFLOW_MODULES: `${FAULT_WORKFLOWS_MODULE},${RUN_CONTROL_WORKFLOWS_MODULE}`,
      NYX_LOCK_DURATION_MS: '1000',
      NYX_STALLED_INTERVAL_MS: '500',
      ...extra,
    };
  }

  /** Starts one worker process; resolves when it is ready. */
  async startWorker(extra: Record<string, string> = {}): Promise<ChildProcess> {
    const pool = await WorkerPool.start({ count: 1, env: this.workerEnv(extra) });
    this.#pools.push(pool);
    const child = pool.processes[0]!;
    this.children.push(child);
    return child;
  }

  /** Inserts one motivational state and `count` tasks under it; returns the task ids. */
  async seed(spec: SeedSpec): Promise<string[]> {
    const em = this.orm.em.fork();
    const now = new Date();
    const stateId = await em.insert(MotivationalState, {
      motivationType: spec.motivationType,
      intensity: spec.intensity ?? 0.5,
      description: null,
      createdAt: now,
    });
    const ids = Array.from({ length: spec.count ?? 1 }, () => crypto.randomUUID());
    await em.insertMany(
      MotivationalTask,
      ids.map((id, i) => ({
        id,
        generatedPrompt: spec.prompt ?? `Fault test task ${i} for ${spec.motivationType}.`,
        taskPriority: spec.priority ?? 0,
        arbitrationScore: 0.5,
        metadata: spec.metadata ?? null,
        motivationalState: stateId,
        createdAt: now,
      })),
    );
    return ids;
  }

  /** Seeds and spawns; returns the run ids. */
  async spawn(spec: SeedSpec): Promise<string[]> {
    const runs = await this.cp.spawn(await this.seed(spec));
    return runs.map((r) => r.runId);
  }

  /** Relays every pending outbox row now (for harnesses opened with `relay: false`). */
  async relayNow(): Promise<void> {
    await this.cp.relayNow();
  }

  run(runId: string): Promise<WorkflowRun | null> {
    return this.orm.em.fork().findOne(WorkflowRun, { id: runId });
  }

  async deadLetter(jobId: string): Promise<DeadLetter | null> {
    const job = await this.deadLetters.getJob(jobId);
    return job ? DeadLetter.parse(job.data) : null;
  }

  async allDeadLetters(): Promise<Job[]> {
    return this.deadLetters.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
  }

  /**
   * The end-of-test invariant: every run of this database is in a final
   * status with exactly one outcome (completed: a result and no error; dead:
   * an error, no result, and exactly one dead letter), nothing waits in the
   * outbox, and no workflow job is left waiting, active or delayed.
   */
  async expectNothingLeftBehind(): Promise<void> {
    const runs = await this.orm.em.fork().find(WorkflowRun, {});
    const unfinished = runs.filter((r) => r.status !== 'completed' && r.status !== 'dead');
    expect(unfinished.map((r) => `${r.id}: ${r.status}`)).toEqual([]);
    for (const run of runs) {
      expect(run.finishedAt).toBeInstanceOf(Date);
      expect(run.attempts).toBeGreaterThanOrEqual(1);
      if (run.status === 'completed') {
        expect(run.error).toBeNull();
        expect(run.result).not.toBeNull();
      } else {
        expect(run.error).toEqual(expect.any(String));
        expect(run.result).toBeNull();
      }
    }
    const letters = new Set((await this.allDeadLetters()).map((job) => String(job.id)));
    expect(runs.filter((r) => r.status === 'dead' && !letters.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(runs.filter((r) => r.status === 'completed' && letters.has(r.id)).map((r) => r.id)).toEqual([]);
    expect((await this.cp.outboxLag()).pending).toBe(0);
    expect(await this.workflows.getJobCountByTypes('wait', 'active', 'delayed', 'prioritized')).toBe(0);
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => stopChild(child, 'SIGKILL')));
    await Promise.all(this.#pools.map((pool) => pool.stop()));
    await this.cp.close().catch(() => {});
    await this.workflows.close();
    await this.deadLetters.close();
    await this.orm.close();
    await this.db.drop();
    if (this.redisUrl === SHARED_REDIS_URL) await deletePrefix(SHARED_REDIS_URL, this.prefix);
  }
}
