/**
 * /metrics after real work: N tasks spawned through the API run on two real
 * worker processes; the scrape shows N completed (BullMQ's count and the
 * recorder's), the duration histogram, the workers, an empty outbox — and a
 * run whose job data was corrupted in Redis as one dead letter, by reason.
 * The same runs, read through GET /runs/:id, show results and timings.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { SHARED_REDIS_URL } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, type TestService } from './support/api-harness.js';

const N = 30;

/** `name{labels} value` → value, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics after a run of N tasks on real worker processes', () => {
  let t: TestService;
  let pool: WorkerPool | undefined;
  const runIds: string[] = [];
  let corruptedRunId: string;

  beforeAll(async () => {
    t = await startTestService({ env: { NYX_JOB_ATTEMPTS: '2' } });
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.6 } });
    for (let i = 0; i < N + 1; i++) {
      const task = await t.api.request('POST', '/tasks', {
        body: {
          motivationalStateId: state.body.id,
          generatedPrompt: `Why do tides differ on coast number ${i}?`,
          taskPriority: 1,
          arbitrationScore: 0.5,
          spawn: true,
        },
      });
      expect(task.status).toBe(201);
      runIds.push(task.body.run.runId);
    }
    corruptedRunId = runIds.pop()!;
    // Before any worker runs: one job's data is changed in Redis behind the control plane's back.
    const workflows = t.service.controlPlane.queue('workflows');
    const job = await waitFor('job in Redis', () => workflows.getJob(corruptedRunId), 15_000);
    await job.updateData({ ...job.data, data: { ...job.data.data, arbitrationScore: 'very high' } });

    const before = await t.api.request('GET', '/metrics');
    expect(sample(before.text, 'nyx_queue_workers', { queue: 'workflows' })).toBe(0);

    pool = await WorkerPool.start({ count: 2, env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: t.prefix, LOG_LEVEL: 'silent' } });
    await waitFor(
      'every run finished',
      async () => {
        const finished = await t.api.request('GET', '/runs?status=completed,dead&limit=500');
        return finished.body.items.length === N + 1;
      },
      60_000,
    );
  });

  afterAll(async () => {
    await pool?.stop();
    await t?.close();
  });

  it('shows N completed, the durations, the workers and no outbox lag', async () => {
    const response = await t.api.request('GET', '/metrics', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    expect(sample(text, 'nyx_queue_jobs', { queue: 'workflows', state: 'completed' })).toBe(N);
    expect(sample(text, 'nyx_queue_jobs', { queue: 'workflows', state: 'failed' })).toBe(1);
    expect(sample(text, 'nyx_queue_jobs', { queue: 'workflows', state: 'waiting' })).toBe(0);
    expect(sample(text, 'nyx_queue_jobs', { queue: 'dead-letters', state: 'waiting' })).toBe(1);
    expect(sample(text, 'nyx_runs_finished_total', { workflow: 'keywords', status: 'completed' })).toBe(N);
    expect(sample(text, 'nyx_run_duration_seconds_count', { workflow: 'keywords', status: 'completed' })).toBe(N);
    expect(sample(text, 'nyx_run_duration_seconds_bucket', { workflow: 'keywords', status: 'completed', le: '+Inf' })).toBe(N);
    expect(sample(text, 'nyx_queue_workers', { queue: 'workflows' })).toBe(2);
    expect(sample(text, 'nyx_queue_workers', { queue: 'results' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nyx_outbox_pending')).toBe(0);
    expect(sample(text, 'nyx_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(sample(text, 'nyx_process_resident_memory_bytes')).toBeGreaterThan(0);
    // The reconciler passed at least once (at start: the prefix had no marker yet) and found nothing lost.
    expect(sample(text, 'nyx_reconcile_passes_total', { after_data_loss: 'true' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nyx_reconciled_runs_total')).toBe(0);
    expect(sample(text, 'nyx_reconcile_last_pass_timestamp_seconds')).toBeGreaterThan(Date.UTC(2026, 0, 1) / 1000);
  });

  it('counts the corrupted run as a dead letter with its reason (the worker validated the edited data)', async () => {
    const text = (await t.api.request('GET', '/metrics')).text;
    // The worker never got past the schema, so it could not name a workflow: label "unknown".
    expect(sample(text, 'nyx_dead_letters_total', { workflow: 'unknown', reason: 'invalid_payload' })).toBe(1);
    expect(sample(text, 'nyx_run_failures_total', { reason: 'invalid_payload', final: 'true' })).toBe(1);
    expect(sample(text, 'nyx_runs_finished_total', { status: 'dead' })).toBe(1);

    const dead = await t.api.request('GET', `/runs/${corruptedRunId}`);
    expect(dead.body).toMatchObject({ status: 'dead', attempts: 1, result: null });
    expect(dead.body.error).toMatch(/^invalid payload: .*arbitrationScore/s);
  });

  it('GET /runs/:id of a completed run: result, attempts and consistent timings', async () => {
    const run = (await t.api.request('GET', `/runs/${runIds[0]}`)).body;
    expect(run).toMatchObject({ status: 'completed', attempts: 1, error: null, workflow: 'keywords' });
    expect(run.result).toMatchObject({ motivationType: 'curiosity', keywords: expect.any(Array) });
    const { enqueuedAt, queuedAt, startedAt, finishedAt, runMs, totalMs } = run.timings;
    expect(Date.parse(enqueuedAt)).toBeLessThanOrEqual(Date.parse(queuedAt));
    expect(Date.parse(startedAt)).toBeLessThanOrEqual(Date.parse(finishedAt));
    expect(runMs).toBe(Date.parse(finishedAt) - Date.parse(startedAt));
    expect(totalMs).toBe(Date.parse(finishedAt) - Date.parse(enqueuedAt));
  });
});
