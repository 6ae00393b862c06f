/**
 * Recording is idempotent and order-proof on a real PostgreSQL: a result
 * delivered twice, late, or after a newer one changes nothing it should not.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../../src/control-plane/db/orm.js';
import { seedTasks } from '../../../src/tools/demo/seed.js';
import type { WorkflowOutcome } from '../../../src/dto/index.js';
import { WorkflowRun } from '../../../src/control-plane/entities/index.js';
import { spawnTasks } from '../../../src/producers/spawn-tasks.js';
import { recordOutcomes } from '../../../src/control-plane/recorder/record-outcomes-sql.js';
import { defaultRegistry } from '../../../src/workers/workflows/registry.js';
import { createMigratedDatabase, type TestDatabase } from '../../support/test-database.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';

describe('recordOutcomes', () => {
  let db: TestDatabase;
  let orm: Orm;
  let runId: string;

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
  });

  beforeEach(async () => {
    const ids = await seedTasks(orm.em.fork(), { tasks: 1 });
    const [run] = await spawnTasks(orm.em, ids, { registry: defaultRegistry, maxPayloadBytes: 65_536 });
    // Dispatched (queued) as the relay would: the recorder writes outcomes only for runs a worker can have.
    await dispatchByHand(orm.em.fork());
    runId = run!.runId;
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  const at = (s: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, s));
  const completed = (attempt: number, output: unknown = { ok: attempt }): WorkflowOutcome => ({
    kind: 'completed',
    runId,
    taskId: null,
    workflow: 'keywords',
    attempt,
    startedAt: at(attempt * 10),
    finishedAt: at(attempt * 10 + 1),
    output: output as never,
  });
  const failed = (attempt: number, final: boolean): WorkflowOutcome => ({
    kind: 'failed',
    runId,
    taskId: null,
    workflow: 'keywords',
    attempt,
    startedAt: at(attempt * 10),
    finishedAt: at(attempt * 10 + 1),
    error: `Error: attempt ${attempt} broke`,
    final,
    deadReason: final ? `attempts exhausted (${attempt})` : null,
  });
  const load = () => orm.em.fork().findOneOrFail(WorkflowRun, { id: runId });

  it('writes a completed result once; the same result again changes nothing', async () => {
    expect(await recordOutcomes(orm.em.fork(), [completed(1)])).toEqual([runId]);
    const first = await load();
    expect(first).toMatchObject({ status: 'completed', attempts: 1, result: { ok: 1 }, error: null });
    expect(first.finishedAt).toEqual(at(11));

    expect(await recordOutcomes(orm.em.fork(), [completed(1, { ok: 'again' })])).toEqual([]);
    expect(await load()).toMatchObject({ status: 'completed', attempts: 1, result: { ok: 1 } });
  });

  it('keeps each failed attempt visible, then the final outcome', async () => {
    await recordOutcomes(orm.em.fork(), [failed(1, false)]);
    expect(await load()).toMatchObject({ status: 'running', attempts: 1, error: 'Error: attempt 1 broke', finishedAt: null });
    await recordOutcomes(orm.em.fork(), [completed(2)]);
    expect(await load()).toMatchObject({ status: 'completed', attempts: 2, result: { ok: 2 }, error: null });
  });

  it('ignores a failure that arrives after the run completed, and an older attempt after a newer one', async () => {
    await recordOutcomes(orm.em.fork(), [failed(2, false)]);
    expect(await recordOutcomes(orm.em.fork(), [failed(1, false)])).toEqual([]);
    expect((await load()).error).toBe('Error: attempt 2 broke');
    await recordOutcomes(orm.em.fork(), [completed(3)]);
    expect(await recordOutcomes(orm.em.fork(), [failed(3, true)])).toEqual([]);
    expect(await load()).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('records a final failure as dead with its reason', async () => {
    await recordOutcomes(orm.em.fork(), [failed(3, true)]);
    expect(await load()).toMatchObject({ status: 'dead', attempts: 3, error: 'attempts exhausted (3): Error: attempt 3 broke' });
  });

  it('keeps the final outcome when one batch holds several for the same run', async () => {
    expect(await recordOutcomes(orm.em.fork(), [failed(1, false), completed(2), failed(2, false), completed(2)])).toEqual([runId]);
    expect(await load()).toMatchObject({ status: 'completed', attempts: 2 });
  });
});
