/**
 * The recorder reads results jobs as workers write them (a batch of outcomes
 * per job) and as older workers wrote them (one outcome per job), on a real
 * Redis and PostgreSQL. A batch with a bad entry still records the good ones,
 * and the job fails naming the bad entry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { RESULTS_QUEUE, wrapWorkflowOutcome, wrapWorkflowOutcomeBatch, type WorkflowOutcomeWire } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { spawnTasks, type SpawnedRun } from '../../../src/producers/spawn-tasks.js';
import { ResultsRecorder } from '../../../src/control-plane/recorder/results-recorder.js';
import { defaultRegistry } from '../../../src/workers/workflows/registry.js';
import { startTestRecorder } from './support/test-recorder.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';

describe('ResultsRecorder', () => {
  const prefix = uniquePrefix('recorder');
  let db: TestDatabase;
  let orm: Orm;
  let results: Queue;
  let recorder: ResultsRecorder;
  let runs: SpawnedRun[];
  const heard: string[] = [];

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    runs = await spawnTasks(orm.em, await seedTasks(orm.em.fork(), { tasks: 5 }), { registry: defaultRegistry, maxPayloadBytes: 65_536 });
    // Dispatched (queued) as the relay would: the recorder writes outcomes only for runs a worker can have.
    await dispatchByHand(orm.em.fork());
    results = new Queue(RESULTS_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    recorder = startTestRecorder(orm, prefix, { onRecorded: (outcomes) => heard.push(...outcomes.map((o) => o.runId)) });
  });

  afterAll(async () => {
    await recorder?.close();
    await results?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  const completed = (run: SpawnedRun): Extract<WorkflowOutcomeWire, { kind: 'completed' }> => ({
    kind: 'completed',
    runId: run.runId,
    taskId: run.taskId,
    workflow: run.workflow,
    attempt: 1,
    startedAt: '2026-11-28T12:00:00.000Z',
    finishedAt: '2026-11-28T12:00:01.000Z',
    output: { from: run.runId },
  });
  const statusOf = async (run: SpawnedRun) => (await orm.em.fork().findOneOrFail(WorkflowRun, { id: run.runId })).status;

  it('records every outcome of a batch and acknowledges the job', async () => {
    const job = await results.add('outcomes', wrapWorkflowOutcomeBatch([completed(runs[0]!), completed(runs[1]!)]));
    await waitFor('the batch to be acknowledged', async () => (await job.getState()) === 'completed', 10_000, 20);
    expect([await statusOf(runs[0]!), await statusOf(runs[1]!)]).toEqual(['completed', 'completed']);
    const run = await orm.em.fork().findOneOrFail(WorkflowRun, { id: runs[1]!.runId });
    expect(run.result).toEqual({ from: runs[1]!.runId });
    expect(heard).toEqual([runs[0]!.runId, runs[1]!.runId]);
  });

  it('tells onRecorded only of outcomes that changed a run: a second delivery is not heard again', async () => {
    const again = await results.add('outcomes', wrapWorkflowOutcomeBatch([{ ...completed(runs[0]!), output: { from: 'again' } }]));
    await waitFor('the repeat to be acknowledged', async () => (await again.getState()) === 'completed', 10_000, 20);
    expect(heard.filter((id) => id === runs[0]!.runId)).toHaveLength(1);
    expect((await orm.em.fork().findOneOrFail(WorkflowRun, { id: runs[0]!.runId })).result).toEqual({ from: runs[0]!.runId });
  });

  it('still reads one outcome per job, as workers before batching sent it', async () => {
    const legacy = wrapWorkflowOutcome({ ...completed(runs[2]!), startedAt: new Date('2026-11-28T12:00:00Z'), finishedAt: new Date('2026-11-28T12:00:01Z') });
    const job = await results.add('completed', legacy);
    await waitFor('the single outcome to be acknowledged', async () => (await job.getState()) === 'completed', 10_000, 20);
    expect(await statusOf(runs[2]!)).toBe('completed');
  });

  it('records the valid outcomes of a batch with a bad entry, and fails the job naming it', async () => {
    const bad = { ...completed(runs[4]!), attempt: 0 };
    const job = await results.add('outcomes', wrapWorkflowOutcomeBatch([completed(runs[3]!), bad]));
    await waitFor('the batch to fail', async () => (await job.getState()) === 'failed', 10_000, 20);
    expect(await statusOf(runs[3]!)).toBe('completed');
    expect(await statusOf(runs[4]!)).not.toBe('completed');
    const failed = (await results.getJob(job.id!))!;
    expect(failed.failedReason).toMatch(/1 of 2 outcomes invalid \(the others were recorded\); #1: .*attempt/s);
    expect(failed.attemptsMade).toBe(1);
  });

  it('fails a job that is not a result message at all, naming what is wrong', async () => {
    const job = await results.add('outcomes', { schema: 'WorkflowOutcomeBatch', v: 1, data: [] });
    await waitFor('the job to fail', async () => (await job.getState()) === 'failed', 10_000, 20);
    expect((await results.getJob(job.id!))!.failedReason).toMatch(/invalid result message: .*data/s);
  });
});
