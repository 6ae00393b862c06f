/**
 * Schedules fired by real control-plane processes (`nyx start`): a schedule
 * firing every second, with two control planes running, fires each of 10
 * consecutive slots exactly once (one fire row, one run each: the slot is
 * claimed in the spawn's own transaction); after both stop and one restarts,
 * the missed-slot policy holds (slots missed past NYX_SCHEDULE_MISFIRE_MS
 * are skipped, at most the last one is caught up). Created with the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { stopChild } from '../../src/tools/demo/worker-pool.js';
import type { Orm } from '../../src/control-plane/db/orm.js';
import { MotivationalState, MotivationalTask, WorkflowRun } from '../../src/control-plane/entities/index.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

const exec = promisify(execFile);
const MISFIRE_MS = 3_000;

describe('schedules with several control planes', () => {
  const prefix = uniquePrefix('schedules');
  let db: TestDatabase;
  let orm: Orm;
  let env: NodeJS.ProcessEnv;
  const planes: ChildProcess[] = [];

  const fires = async (): Promise<{ slot: Date; runIds: string[] }[]> => {
    const rows = await (orm.em.fork() as SqlEntityManager).execute<{ slot: string; run_ids: string[] }[]>(
      `select slot, run_ids from schedule_fire order by slot`,
    );
    return rows.map((row) => ({ slot: new Date(row.slot), runIds: row.run_ids }));
  };

  beforeAll(async () => {
    ({ db, orm } = await createMigratedDatabase());
    env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: prefix,
      NYX_SCHEDULER_TICK_MS: '200',
      NYX_SCHEDULE_MISFIRE_MS: String(MISFIRE_MS),
    };
  });

  afterAll(async () => {
    await Promise.all(planes.map((p) => stopChild(p, 'SIGTERM')));
    await orm?.close();
    await db?.drop();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('fires each of 10 slots exactly once with two control planes, and skips what was missed while none ran', async () => {
    const em = orm.em.fork();
    const stateId = await em.insert(MotivationalState, { motivationType: 'curiosity', intensity: 0.5, description: null, createdAt: new Date() });
    const taskId = crypto.randomUUID();
    await em.insert(MotivationalTask, {
      id: taskId,
      generatedPrompt: 'Watch the clock.',
      taskPriority: 0,
      arbitrationScore: 0.5,
      metadata: null,
      motivationalState: stateId as number,
      createdAt: new Date(),
    });

    planes.push(await startControlPlaneProcess(env, 90_000), await startControlPlaneProcess(env, 90_000));
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'schedules', 'create', 'every-second', taskId, '--cron', '* * * * * *'], {
      env: { ...env, LOG_LEVEL: 'silent' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ name: 'every-second', cron: '* * * * * *', timeZone: 'UTC', taskIds: [taskId], paused: false });

    await waitFor('10 slots to fire', async () => (await fires()).length >= 10, 60_000, 200);
    const first = (await fires()).slice(0, 10);
    // Consecutive seconds: no slot lost...
    expect(first.map((f) => f.slot.getTime() - first[0]!.slot.getTime())).toEqual(Array.from({ length: 10 }, (_, i) => i * 1_000));
    // ...and none fired twice: one run per slot, and no run that no slot row accounts for.
    expect(first.map((f) => f.runIds.length)).toEqual(Array(10).fill(1));
    await Promise.all(planes.splice(0).map((p) => stopChild(p, 'SIGTERM')));
    const beforeStop = await fires();
    const runIds = beforeStop.flatMap((f) => f.runIds);
    expect(new Set(runIds).size).toBe(runIds.length);
    expect(await orm.em.fork().count(WorkflowRun, { taskId: taskId })).toBe(runIds.length);

    // No control plane for a while; then one comes back.
    const lastBeforeStop = beforeStop.at(-1)!.slot;
    // Long enough that several slots fall outside the misfire window before the restart.
    await new Promise((r) => setTimeout(r, MISFIRE_MS + 6_000));
    const restartedAt = Date.now();
    planes.push(await startControlPlaneProcess(env, 90_000));
    await waitFor('slots after the restart to fire', async () => (await fires()).filter((f) => f.slot.getTime() > restartedAt).length >= 2, 60_000, 200);
    // Stop it before counting: a slot fired between reading the slots and counting the runs is not a double fire.
    await Promise.all(planes.splice(0).map((p) => stopChild(p, 'SIGTERM')));

    const after = await fires();
    // Slots missed while none ran (older than the misfire window at restart): at most the last one is caught up.
    const missed = after.filter((f) => f.slot > lastBeforeStop && f.slot.getTime() <= restartedAt - MISFIRE_MS);
    expect(missed.length).toBeLessThanOrEqual(1);
    // Since the restart, no slot is lost again.
    const resumed = after.filter((f) => f.slot.getTime() > restartedAt);
    expect(resumed.map((f) => f.slot.getTime() - resumed[0]!.slot.getTime())).toEqual(resumed.map((_, i) => i * 1_000));
    const allRunIds = after.flatMap((f) => f.runIds);
    expect(await orm.em.fork().count(WorkflowRun, { taskId: taskId })).toBe(allRunIds.length);
  });
});
