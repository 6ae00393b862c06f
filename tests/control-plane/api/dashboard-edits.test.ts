/**
 * What an operator does in bull-board goes back to Redis as is — and the
 * worker still validates it. Through the dashboard's own HTTP API (the calls
 * its buttons make), with real worker processes:
 *
 * - job data edited in the dashboard to something invalid → the worker
 *   refuses it: the run is dead, with the zod reason, in the dead-letter queue;
 * - a completed job whose data was changed in Redis, retried from the
 *   dashboard → refused the same way; the recorded result stands.
 *
 * And what the dashboard shows is redacted and truncated, while the job in
 * Redis is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { REDACTED } from '../../../src/control-plane/api/dashboard/redact-job-data.js';
import { SHARED_REDIS_URL } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, type TestService } from './support/api-harness.js';

const SECRET = 'sk-live-do-not-show-0042';

describe('dashboard edits and retries are validated by the worker', () => {
  let t: TestService;
  let pool: WorkerPool | undefined;
  let stateId: number;

  const spawnTask = async (prompt: string) => {
    const task = await t.api.request('POST', '/tasks', {
      body: {
        motivationalStateId: stateId,
        generatedPrompt: prompt,
        taskPriority: 2,
        arbitrationScore: 0.5,
        metadata: { apiKey: SECRET, notes: 'n'.repeat(500) },
        spawn: true,
      },
    });
    expect(task.status).toBe(201);
    return task.body.run.runId as string;
  };
  const dashboardJob = (queue: string, jobId: string) => t.api.request('GET', `/admin/queues/api/queues/${queue}/${jobId}`);
  const startWorkers = async () => {
    pool ??= await WorkerPool.start({ count: 1, env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: t.prefix, LOG_LEVEL: 'silent' } });
  };
  const runStatus = async (runId: string) => (await t.api.request('GET', `/runs/${runId}`)).body;
  /** Waits for a run's status; on timeout says where the run and its job were. */
  const waitForRun = async (runId: string, status: string) => {
    try {
      return await waitFor(
        `run ${status}`,
        async () => {
          const run = await runStatus(runId);
          return run.status === status ? run : null;
        },
        30_000,
      );
    } catch (error) {
      const job = await t.service.controlPlane.queue('workflows').getJob(runId);
      const results = await t.service.controlPlane.queue('results').getJobCounts();
      throw new Error(
        `${(error as Error).message}; run: ${JSON.stringify(await runStatus(runId))}; job state: ${await job?.getState()}; results queue: ${JSON.stringify(results)}`,
        { cause: error },
      );
    }
  };

  beforeAll(async () => {
    t = await startTestService({ env: { NYX_DASHBOARD_REDACT: 'data.metadata.apiKey', NYX_DASHBOARD_TRUNCATE: '64', NYX_JOB_ATTEMPTS: '2' } });
    stateId = (await t.api.request('POST', '/states', { body: { motivationType: 'relatedness', intensity: 0.3 } })).body.id;
  });

  afterAll(async () => {
    await pool?.stop();
    await t?.close();
  });

  it('shows job data redacted and truncated; Redis keeps the real data', async () => {
    const runId = await spawnTask('Thank the colleague who reviewed the migration.');
    const shown = await waitFor(
      'job visible in the dashboard',
      async () => {
        const response = await dashboardJob('workflows', runId);
        return response.status === 200 ? response.body : null;
      },
      15_000,
    );
    expect(shown.job.data.data.metadata.apiKey).toBe(REDACTED);
    expect(shown.job.data.data.metadata.notes).toBe(`${'n'.repeat(64)}… [truncated: 500 characters]`);
    expect(shown.job.data.data.generatedPrompt).toBe('Thank the colleague who reviewed the migration.');
    const listing = await t.api.request('GET', '/admin/queues/api/queues?activeQueue=workflows&status=latest');
    expect(listing.status).toBe(200);
    expect(listing.text).not.toContain(SECRET);
    const raw = await t.service.controlPlane.queue('workflows').getJob(runId);
    expect(raw!.data.data.metadata.apiKey).toBe(SECRET);
  });

  it('data edited in the dashboard to something invalid: the worker refuses it — dead, with the zod reason, in the dead-letter queue', async () => {
    const runId = await spawnTask('Write a note to the on-call engineer.');
    const shown = await waitFor(
      'job in the dashboard',
      async () => {
        const response = await dashboardJob('workflows', runId);
        return response.status === 200 ? response.body : null;
      },
      15_000,
    );
    // What the operator saves is what the edit box showed (redacted), with a bad priority.
    const edited = { ...shown.job.data, data: { ...shown.job.data.data, priority: 'urgent' } };
    const update = await t.api.request('PATCH', `/admin/queues/api/queues/workflows/${runId}/update-data`, { body: { jobData: edited } });
    expect(update.status).toBe(200);
    expect((await t.service.controlPlane.queue('workflows').getJob(runId))!.data.data.priority).toBe('urgent');

    await startWorkers();
    const run = await waitForRun(runId, 'dead');
    expect(run.attempts).toBe(1); // unrecoverable: not retried
    expect(run.error).toMatch(/^invalid payload: InvalidPayloadError: invalid TaskSpawnContext v2: .*priority/s);

    const letter = await waitFor('dead letter', () => t.service.controlPlane.queue('dead-letters').getJob(runId), 15_000);
    expect(letter.data).toMatchObject({ runId, reason: 'invalid payload', error: expect.stringMatching(/priority/) });
    expect(letter.data.payload.data.priority).toBe('urgent');
    // The dead letter is redacted in the dashboard too (its payload sits under `payload`).
    const shownLetter = await dashboardJob('dead-letters', runId);
    expect(shownLetter.body.job.data.payload.data.metadata.apiKey).toBe(REDACTED);
  });

  it('a completed job changed in Redis and retried from the dashboard: refused the same way; the recorded result stands', async () => {
    await startWorkers();
    const runId = await spawnTask('Call the mentor who helped with the rollback.');
    const completed = await waitForRun(runId, 'completed');
    const workflows = t.service.controlPlane.queue('workflows');
    const job = (await workflows.getJob(runId))!;
    expect(await job.getState()).toBe('completed');
    await job.updateData({ schema: 'TaskSpawnContext', v: 99, data: { taskId: 'whatever' } });

    const retry = await t.api.request('PUT', `/admin/queues/api/queues/workflows/${runId}/retry`);
    expect(retry.status).toBe(204);

    const letter = await waitFor('dead letter after the retry', () => t.service.controlPlane.queue('dead-letters').getJob(runId), 30_000);
    expect(letter.data).toMatchObject({ runId, reason: 'invalid payload', error: expect.stringMatching(/unsupported payload version 99/) });
    await waitFor('job failed', async () => (await workflows.getJob(runId))?.getState().then((s) => s === 'failed'), 15_000);
    // A final run is never changed again: PostgreSQL keeps the completed result.
    const after = await runStatus(runId);
    expect(after).toMatchObject({ status: 'completed', result: completed.result, error: null });
  });
});
