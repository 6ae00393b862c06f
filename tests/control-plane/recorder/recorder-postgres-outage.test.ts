/**
 * PostgreSQL unreachable while results arrive: the recorder holds the
 * results job and retries the write, without spending the job's attempts
 * (5, with backoff from 500 ms: spent, a longer outage would have left the
 * job failed and its run never recorded). Once PostgreSQL is back the run is
 * recorded. PostgreSQL is "down" behind a TCP proxy only this recorder uses.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { openOrm, type Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { RESULTS_QUEUE, wrapWorkflowOutcomeBatch } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { spawnTasks, type SpawnedRun } from '../../../src/producers/spawn-tasks.js';
import { ResultsRecorder } from '../../../src/control-plane/recorder/results-recorder.js';
import { defaultRegistry } from '../../../src/workers/workflows/registry.js';
import { startTestRecorder } from './support/test-recorder.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { waitFor } from '../../support/wait-for.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';

describe('results recorder with PostgreSQL away', () => {
  const prefix = uniquePrefix('recorder-pg');
  let db: TestDatabase;
  let orm: Orm;
  let proxy: TcpProxy;
  let proxiedOrm: Orm;
  let results: Queue;
  let recorder: ResultsRecorder;
  let run: SpawnedRun;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    [run] = (await spawnTasks(orm.em, await seedTasks(orm.em.fork(), { tasks: 1 }), { registry: defaultRegistry, maxPayloadBytes: 65_536 })) as [SpawnedRun];
    // Dispatched (queued) as the relay would: the recorder writes outcomes only for runs a worker can have.
    await dispatchByHand(orm.em.fork());
    const direct = new URL(db.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(db.url);
    proxied.port = String(proxy.port);
    proxiedOrm = await openOrm({ databaseUrl: proxied.toString() });
    results = new Queue(RESULTS_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    recorder = startTestRecorder(proxiedOrm, prefix);
  });

  afterAll(async () => {
    await proxy?.restore();
    await recorder?.close();
    await results?.close();
    await proxiedOrm?.close();
    await proxy?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('holds the results job through the outage and records it once PostgreSQL is back', async () => {
    await proxy.cut();
    const job = await results.add(
      'outcomes',
      wrapWorkflowOutcomeBatch([
        {
          kind: 'completed',
          runId: run.runId,
          taskId: run.taskId,
          workflow: run.workflow,
          attempt: 1,
          startedAt: '2026-11-28T12:00:00.000Z',
          finishedAt: '2026-11-28T12:00:01.000Z',
          output: { survived: 'the outage' },
        },
      ]),
      { attempts: 5, backoff: { type: 'exponential', delay: 500 } },
    );

    await waitFor('the recorder to take the job', async () => (await job.getState()) === 'active', 10_000, 20);
    // Long enough for the job's first attempts to have been spent, were write errors failing it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const held = (await results.getJob(job.id!))!;
    expect(await held.getState()).toBe('active');
    expect(held.attemptsMade).toBe(0);
    expect((await orm.em.fork().findOneOrFail(WorkflowRun, { id: run.runId })).status).toBe('queued');

    await proxy.restore();
    await waitFor('the job to be acknowledged', async () => (await job.getState()) === 'completed', 20_000);
    const recorded = await orm.em.fork().findOneOrFail(WorkflowRun, { id: run.runId });
    expect({ status: recorded.status, result: recorded.result }).toEqual({ status: 'completed', result: { survived: 'the outage' } });
    // One attempt, the one that succeeded: no failure was ever recorded on the job.
    const done = (await results.getJob(job.id!))!;
    expect({ attemptsMade: done.attemptsMade, stacktrace: done.stacktrace, failedReason: done.failedReason }).toEqual({
      attemptsMade: 1,
      stacktrace: [],
      failedReason: undefined,
    });
  });
});
