/**
 * Results are checked, not trusted, and isolated from each other — through a
 * real recorder, results queue, dead-letter queue and PostgreSQL:
 * - a batch mixing valid outcomes with every kind of unstorable one records
 *   the valid ones and ends each bad one's run dead with its reason and a
 *   dead letter;
 * - a batch statement PostgreSQL refuses is bisected down to the bad entry;
 * - forged outcomes (unknown run, never dispatched, wrong workflow, wrong
 *   task, absurd attempt) are refused into the quarantine and counted; the
 *   real outcome is recorded afterwards;
 * - a results job over the size cap is refused whole.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import { DeadLetter } from '../../../src/dto/dead-letter.js';
import { DEAD_LETTER_QUEUE, RESULTS_QUEUE, wrapWorkflowOutcomeBatch, type WorkflowOutcome, type WorkflowOutcomeWire } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { ServiceMetrics } from '../../../src/control-plane/metrics/service-metrics.js';
import { spawnTasks, type SpawnedRun } from '../../../src/producers/spawn-tasks.js';
import { writeIsolated } from '../../../src/control-plane/recorder/checked-outcomes.js';
import { ResultsRecorder } from '../../../src/control-plane/recorder/results-recorder.js';
import { defaultRegistry } from '../../../src/workers/workflows/registry.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';
import { startTestRecorder } from './support/test-recorder.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';

const MAX_OUTCOME_BYTES = 4_096;
const MAX_JOB_BYTES = 16_384;

describe('checked outcomes', () => {
  const prefix = uniquePrefix('checked');
  let db: TestDatabase;
  let orm: Orm;
  let results: Queue;
  let deadLetters: Queue;
  let recorder: ResultsRecorder;
  let metrics: ServiceMetrics;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    results = new Queue(RESULTS_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    metrics = new ServiceMetrics({ queues: new Map(), outboxLag: async () => ({ pending: 0, oldestPendingAgeMs: 0 }), processMetrics: false });
    recorder = startTestRecorder(orm, prefix, {
      maxAttempt: 5,
      maxOutcomeBytes: MAX_OUTCOME_BYTES,
      maxJobBytes: MAX_JOB_BYTES,
      writeDeadLetters: async (letters) => {
        await deadLetters.addBulk(letters.map((letter) => ({ name: 'dead', data: letter, opts: { jobId: letter.runId } })));
      },
      onChecked: metrics.observeChecked,
    });
  });

  afterAll(async () => {
    await recorder?.close();
    await results?.close();
    await deadLetters?.close();
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  async function spawn(count: number, dispatch = true): Promise<SpawnedRun[]> {
    const runs = await spawnTasks(orm.em, await seedTasks(orm.em.fork(), { tasks: count }), { registry: defaultRegistry, maxPayloadBytes: 65_536 });
    if (dispatch) await dispatchByHand(orm.em.fork());
    return runs;
  }

  const completed = (run: SpawnedRun, output: unknown = { from: run.runId }): Extract<WorkflowOutcomeWire, { kind: 'completed' }> => ({
    kind: 'completed',
    runId: run.runId,
    taskId: run.taskId,
    workflow: run.workflow,
    attempt: 1,
    startedAt: '2026-11-28T12:00:00.000Z',
    finishedAt: '2026-11-28T12:00:01.000Z',
    output: output as never,
  });
  const load = (run: SpawnedRun) => orm.em.fork().findOneOrFail(WorkflowRun, { id: run.runId });
  const acknowledged = async (data: unknown) => {
    const job = await results.add('outcomes', data);
    await waitFor('the results job to be acknowledged', async () => (await job.getState()) === 'completed', 15_000, 20);
    return job;
  };

  it("records the valid outcomes of a batch and ends each unstorable one's run dead with its reason", async () => {
    const runs = await spawn(8);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 600; i += 1) deep = [deep];
    const batch: WorkflowOutcomeWire[] = [
      completed(runs[0]!),
      completed(runs[1]!, { summary: `cut inside an emoji \uD83D` }),
      completed(runs[2]!, { summary: 'a NUL \u0000 here' }),
      { ...completed(runs[3]!), startedAt: '0000-01-01T00:00:00.000Z' },
      completed(runs[4]!, { text: 'x'.repeat(MAX_OUTCOME_BYTES) }),
      completed(runs[5]!, deep),
      {
        kind: 'failed',
        runId: runs[6]!.runId,
        taskId: runs[6]!.taskId,
        workflow: runs[6]!.workflow,
        attempt: 1,
        startedAt: '2026-11-28T12:00:00.000Z',
        finishedAt: '2026-11-28T12:00:01.000Z',
        error: 'Error: quoted a NUL \u0000 and half an emoji \uDE00',
        final: false,
        deadReason: null,
      },
      completed(runs[7]!),
    ];
    await acknowledged(wrapWorkflowOutcomeBatch(batch));

    expect((await load(runs[0]!)).status).toBe('completed');
    expect((await load(runs[7]!)).result).toEqual({ from: runs[7]!.runId });
    const expected: [SpawnedRun, RegExp][] = [
      [runs[1]!, /output\.summary is not valid Unicode/],
      [runs[2]!, /output\.summary holds a NUL/],
      [runs[3]!, /startedAt is a date PostgreSQL cannot store/],
      [runs[4]!, /more than NYX_MAX_RESULT_BYTES \(4096\)/],
      [runs[5]!, /nests deeper than 512 levels/],
    ];
    for (const [run, reason] of expected) {
      const row = await load(run);
      expect(row.status).toBe('dead');
      expect(row.result).toBeNull();
      expect(row.error).toMatch(/^unstorable outcome: UnstorableOutcomeError: /);
      expect(row.error).toMatch(reason);
      const letter = DeadLetter.parse((await deadLetters.getJob(run.runId))!.data);
      expect(letter.reason).toBe('unstorable outcome');
      expect(letter.error).toMatch(reason);
      expect(letter.payload).toMatchObject({ schema: 'TaskSpawnContext' });
    }
    const failed = await load(runs[6]!);
    expect(failed.status).toBe('running');
    expect(failed.error).toBe('Error: quoted a NUL \uFFFD and half an emoji \uFFFD');
  });

  it('bisects a batch statement PostgreSQL refuses down to the bad entry and writes the rest', async () => {
    const runs = await spawn(5);
    const at = new Date('2026-11-28T12:00:00Z');
    const outcome = (run: SpawnedRun, output: unknown): WorkflowOutcome => ({
      kind: 'completed',
      runId: run.runId,
      taskId: run.taskId,
      workflow: run.workflow,
      attempt: 1,
      startedAt: at,
      finishedAt: at,
      output: output as never,
    });
    // No checks before the statement here: PostgreSQL itself refuses the NUL.
    const written = await writeIsolated(
      () => orm.em.fork(),
      runs.map((run, i) => outcome(run, i === 3 ? 'nul \u0000' : { i })),
      { maxAttempt: 5, maxOutcomeBytes: MAX_OUTCOME_BYTES },
    );
    expect([...written.changed].sort()).toEqual(
      runs
        .filter((_, i) => i !== 3)
        .map((r) => r.runId)
        .sort(),
    );
    expect(written.failed.map((f) => f.outcome.runId)).toEqual([runs[3]!.runId]);
    expect(String((written.failed[0]!.error as Error).message)).toMatch(/unsupported Unicode escape sequence|\\u0000/);
  });

  it('refuses forged outcomes into the quarantine, counts them, and records the real outcome after', async () => {
    const [real] = await spawn(1);
    const [neverSent] = await spawn(1, false);
    const other = randomUUID();
    const forged: WorkflowOutcomeWire[] = [
      { ...completed(real!), runId: randomUUID(), output: { forged: 'unknown run' } },
      { ...completed(neverSent!), output: { forged: 'never dispatched' } },
      { ...completed(real!), workflow: real!.workflow === 'keywords' ? 'plan-steps' : 'keywords', output: { forged: 'workflow' } },
    ];
    await acknowledged(wrapWorkflowOutcomeBatch(forged));
    await acknowledged(wrapWorkflowOutcomeBatch([{ ...completed(real!), taskId: other, output: { forged: 'task' } }]));
    await acknowledged(wrapWorkflowOutcomeBatch([{ ...completed(real!), attempt: 1_000_000, output: { forged: 'attempt' } }]));
    await acknowledged(wrapWorkflowOutcomeBatch([{ ...completed(real!), attempt: 3_000_000_000, output: { forged: 'int32' } }]));

    expect((await load(real!)).status).toBe('queued');
    expect((await load(neverSent!)).status).toBe('pending');
    const quarantined = await orm.em
      .fork()
      .execute<{ run_id: string; reason: string; outcome: string; results_job_id: string }[]>(
        `select run_id, reason, outcome, results_job_id from outcome_quarantine where outcome like '%forged%' order by id`,
      );
    expect(quarantined.map((q) => q.reason).sort()).toEqual([
      'implausible_attempt',
      'implausible_attempt',
      'not_dispatched',
      'task_mismatch',
      'unknown_run',
      'workflow_mismatch',
    ]);
    expect(quarantined.every((q) => q.results_job_id && JSON.parse(q.outcome).output.forged)).toBe(true);
    const text = await metrics.scrape();
    for (const reason of ['unknown_run', 'not_dispatched', 'workflow_mismatch', 'task_mismatch']) {
      expect(text).toContain(`nyx_outcomes_refused_total{reason="${reason}"} 1`);
    }
    expect(text).toContain('nyx_outcomes_refused_total{reason="implausible_attempt"} 2');

    await acknowledged(wrapWorkflowOutcomeBatch([completed(real!, { real: true })]));
    const recorded = await load(real!);
    expect(recorded.status).toBe('completed');
    expect(recorded.result).toEqual({ real: true });
  });

  it('refuses a results job over the size cap whole, writing none of it', async () => {
    const runs = await spawn(6);
    const big = runs.map((run) => completed(run, { text: 'y'.repeat(3_000) }));
    await acknowledged(wrapWorkflowOutcomeBatch(big));
    for (const run of runs) expect((await load(run)).status).toBe('queued');
    const [row] = await orm.em
      .fork()
      .execute<{ reason: string; detail: string }[]>(`select reason, detail from outcome_quarantine where reason = 'oversized_job'`);
    expect(row!.detail).toMatch(/more than NYX_MAX_RESULTS_JOB_BYTES \(16384\)/);
    expect(await metrics.scrape()).toContain('nyx_outcomes_refused_total{reason="oversized_job"} 1');
  });
});
