/**
 * The reminders application, end to end against real PostgreSQL and Redis:
 * 1. applies nyx's migrations and its own to its database;
 * 2. opens a nyx ControlPlane on its own MikroORM;
 * 3. creates a person and a reminder and spawns the reminder (its own
 *    entity, its own contract, reminder.spawnable.ts) in ONE transaction
 *    that rolls back: no reminder, no run (so nothing to relay), and never a job;
 * 4. does the same and commits: its worker (worker.ts, another process) runs
 *    the reminder workflow on the reminder's DTO, and the recorded run
 *    carries its result.
 * Exits 0 when every check holds, 1 with the failed check otherwise.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { ControlPlane, createLogger, loadConfig, migrate, WorkflowRun } from 'nyx-orchestrator';
import { ormConfig } from './mikro-orm.config.js';
import { Person, Reminder } from './reminder.entity.js';
import { reminderSpawnable } from './reminder.spawnable.js';
import { settings } from './settings.js';

class Rollback extends Error {}

function check(condition: boolean, what: string, detail?: unknown): void {
  if (!condition) throw new Error(`check failed: ${what}${detail === undefined ? '' : ` (${JSON.stringify(detail)})`}`);
  console.log(`ok - ${what}`);
}

function startWorker(): Promise<ChildProcess> {
  const child = fork(new URL('./worker.js', import.meta.url).pathname, [], {
    env: { ...process.env, DATABASE_URL: '', NYX_QUEUE_PREFIX: settings.queuePrefix },
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
}

async function waitForFinalRun(orm: MikroORM, runId: string, timeoutMs = 60_000): Promise<WorkflowRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await orm.em.fork().findOne(WorkflowRun, { id: runId });
    if (run && ['completed', 'failed', 'dead'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} not finished after ${timeoutMs} ms (status ${run?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The application's own write and nyx's spawn, in one transaction. */
async function createAndSpawn(em: MikroORM['em'], cp: ControlPlane, text: string, rollback: boolean) {
  let runId = '';
  let reminderId = '';
  try {
    await em.fork().transactional(async (tx) => {
      const person = tx.create(Person, { name: 'Ada', email: 'ada@example.com' });
      const reminder = tx.create(Reminder, { text, person });
      await tx.flush();
      const [run] = await cp.spawnSubjects(reminderSpawnable, [reminder.id], { em: tx });
      runId = run!.runId;
      reminderId = reminder.id;
      reminder.runId = runId;
      if (rollback) throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return { runId, reminderId };
}

async function main(): Promise<void> {
  const applied = await migrate({ databaseUrl: settings.databaseUrl });
  check(applied.length > 0, "nyx's migrations applied", applied);
  const orm = await MikroORM.init(ormConfig(settings.databaseUrl));
  await orm.migrator.up();

  const cp = await ControlPlane.open({
    config: loadConfig({
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      NYX_QUEUE_PREFIX: settings.queuePrefix,
      NYX_WORKFLOW_MODULES: settings.workflowModule,
      NYX_RELAY_POLL_MS: '200',
    }),
    redisUrl: settings.redisUrl,
    log: createLogger('reminders', 'warn'),
    orm,
    spawnables: [reminderSpawnable],
  });
  await cp.start();
  const worker = await startWorker();
  const queue = new Queue('workflows', { connection: { url: settings.redisUrl }, prefix: settings.queuePrefix });
  try {
    const rolledBack = await createAndSpawn(orm.em, cp, 'Water the plants', true);
    const kept = await createAndSpawn(orm.em, cp, 'Call the plumber', false);

    const run = await waitForFinalRun(orm, kept.runId);
    check(run.status === 'completed', 'the committed spawn ran to completion', run.status);
    check(run.workflow === 'reminder', 'it ran the application workflow', run.workflow);
    check(run.spawnable === 'reminder' && run.subjectId === kept.reminderId, "the run records the application's spawnable and subject", run.subjectId);
    check(
      isDeepStrictEqual(run.result, { delivered: 'CALL THE PLUMBER', to: 'ada@example.com', reminderId: kept.reminderId, attempt: 1 }),
      'the recorded result is the workflow output',
      run.result,
    );
    const em = orm.em.fork();
    check((await em.findOne(Reminder, { id: kept.reminderId }))?.runId === kept.runId, 'the reminder row was committed with its run id');

    // The relay has sent everything committed before the kept run (outbox order), so a job for the rolled-back run would exist by now.
    check(rolledBack.runId !== '', 'the rolled-back transaction had spawned a run');
    check((await em.count(Reminder, { id: rolledBack.reminderId })) === 0, 'rollback: no reminder row');
    check((await em.count(WorkflowRun, { id: rolledBack.runId })) === 0, 'rollback: no run row');
    check((await queue.getJob(rolledBack.runId)) === undefined, 'rollback: no job in Redis');
    check((await queue.getJob(kept.runId)) !== undefined, 'the committed run has its job (the Redis check looks in the right place)');
  } finally {
    await queue.close();
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await cp.close();
    await orm.close();
  }
  console.log('reminders example: all checks passed');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
