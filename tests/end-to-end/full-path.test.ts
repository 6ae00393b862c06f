/**
 * The whole path across real process boundaries: task rows in PostgreSQL →
 * spawn → outbox → relay → BullMQ → two worker processes → results queue
 * (outcomes batched per results job) → recorder → workflow_run rows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { ControlPlane } from '../../src/control-plane/control-plane.js';
import { countRunsByStatus } from '../../src/control-plane/run-stats-sql.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { seedTasks } from '../../src/tools/demo/seed.js';
import { WorkerPool } from '../../src/tools/demo/worker-pool.js';
import { openResultMessage, RESULTS_QUEUE } from '../../src/dto/index.js';
import { MotivationalTask, WorkflowRun } from '../../src/control-plane/entities/index.js';
import { RESULT_BATCH_MAX } from '../../src/workers/outcome-reporter.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { silentLog, testConfig } from '../support/test-config.js';
import { waitFor } from '../support/wait-for.js';

describe('full path: spawn → worker processes → recorded results', () => {
  const prefix = uniquePrefix('e2e');
  let db: TestDatabase;
  let orm: Orm;
  let cp: ControlPlane;
  let pool: WorkerPool;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    const config = testConfig({ DATABASE_URL: db.url, NYX_QUEUE_PREFIX: prefix });
    cp = await ControlPlane.open({ config, redisUrl: SHARED_REDIS_URL, log: silentLog, orm });
    await cp.start();
    pool = await WorkerPool.start({
      count: 2,
      env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
    });
  });

  afterAll(async () => {
    await pool?.stop();
    await cp?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('runs every spawned task once in a worker process and records its result', async () => {
    const taskIds = await seedTasks(orm.em.fork(), { tasks: 40 });
    const runs = await cp.spawn(taskIds);
    expect(runs).toHaveLength(40);

    await waitFor('all runs completed', async () => (await countRunsByStatus(cp.em())).completed === 40);

    const recorded = await orm.em.fork().find(WorkflowRun, { id: { $in: runs.map((r) => r.runId) } });
    const tasks = new Map((await orm.em.fork().find(MotivationalTask, { id: { $in: recorded.map((r) => r.taskId!) } })).map((t) => [t.id, t]));
    const taskOf = (run: WorkflowRun) => tasks.get(run.taskId!)!;
    expect(recorded).toHaveLength(40);
    for (const run of recorded) {
      expect(run.status).toBe('completed');
      expect(run.attempts).toBe(1);
      expect(run.error).toBeNull();
      expect(run.queuedAt).toBeInstanceOf(Date);
      expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    }

    // Each workflow's recorded output is what it computes from its own task's prompt.
    const keywordsRun = recorded.find((r) => r.workflow === 'keywords')!;
    const keywordsResult = keywordsRun.result as { keywords: { word: string }[]; summary: string; motivationType: string };
    expect(['curiosity', 'relatedness']).toContain(keywordsResult.motivationType);
    expect(keywordsResult.keywords.length).toBeGreaterThan(0);
    for (const { word } of keywordsResult.keywords) expect(taskOf(keywordsRun).generatedPrompt.toLowerCase()).toContain(word);

    const planRun = recorded.find((r) => r.workflow === 'plan-steps')!;
    const plan = planRun.result as { steps: { order: number; text: string }[]; priority: number };
    expect(plan.priority).toBe(taskOf(planRun).taskPriority);
    expect(plan.steps.length).toBeGreaterThan(1);
    expect(plan.steps.map((s) => s.order)).toEqual(plan.steps.map((_, i) => i + 1));

    // Nothing is left behind in the outbox.
    expect((await cp.outboxLag()).pending).toBe(0);
  });

  it('sends the outcomes of concurrent jobs back together, each once', async () => {
    const runs = await cp.spawn(await seedTasks(orm.em.fork(), { tasks: 400 }));
    const total = await orm.em.fork().count(WorkflowRun);
    await waitFor('all runs recorded', async () => (await countRunsByStatus(cp.em())).completed === total, 60_000);

    const results = new Queue(RESULTS_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    try {
      const jobs = await waitFor('every results job acknowledged', async () => {
        const completed = await results.getJobs(['completed']);
        const sent = completed.flatMap((job) => openResultMessage(job.data).outcomes);
        return sent.length === total ? { completed, sent } : null;
      });
      const sentForThese = jobs.sent.filter((o) => runs.some((r) => r.runId === o.runId)).map((o) => o.runId);
      expect(sentForThese.sort()).toEqual(runs.map((r) => r.runId).sort());
      // Batched: fewer results jobs than outcomes (a job holds up to RESULT_BATCH_MAX).
      expect(jobs.completed.length).toBeLessThan(jobs.sent.length);
      expect(Math.max(...jobs.completed.map((job) => openResultMessage(job.data).outcomes.length))).toBeLessThanOrEqual(RESULT_BATCH_MAX);
    } finally {
      await results.close();
    }
  });
});
