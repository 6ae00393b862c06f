/**
 * Redrive: give a dead run another life, once its cause is fixed.
 *
 * Steps, each safe to repeat, in an order that keeps a crash anywhere
 * recoverable by running the redrive again:
 * 1. read the letter and the run; only a `dead` run is redriven;
 * 2. re-validate the letter's payload against the CURRENT schema
 *    (`openTaskSpawnEnvelope`, which upcasts old versions); an invalid one,
 *    or one no workflow runs, stays dead (`RedriveRefusedError` says why);
 * 3. remove the run's finished job from the workflow queue — the run id is
 *    the job id, and BullMQ ignores an add whose id still exists (a job still
 *    waiting or running refuses the redrive instead);
 * 4. in one transaction: reset the run to `pending` (only if still `dead`: of
 *    two concurrent redrives exactly one passes) and put its outbox row back,
 *    undispatched, with the payload re-wrapped in the current version. The
 *    relay then sends it like any spawn — at least once, and the job id makes
 *    a re-send harmless;
 * 5. remove the letter, so a second death can leave a new one.
 *
 * A crash after 4 leaves a letter whose run is no longer dead: the next
 * redrive sees that the run was re-queued after the letter was written,
 * removes the stale letter and reports `already-redriven`.
 */
import type { Queue } from 'bullmq';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { openEnvelope, runJobPolicyOf, WORKFLOW_JOB_NAME, wrapEnvelope } from '../../dto/index.js';
import type { RunStatus } from '../entities/index.js';
import type { QueueNaming } from '../../shared/redis/queue-naming.js';
import type { WorkflowRegistry } from '../../workers/workflows/registry.js';
import { findDeadLetter, listDeadLetters, type DeadLetterEntry } from './dead-letter-queue.js';
import { DeadLetterNotFoundError } from './errors/dead-letter-not-found-error.js';
import { RedriveRefusedError } from './errors/redrive-refused-error.js';
import { readRunForRedrive, requeueThroughOutbox, resetDeadRun, type RunForRedrive } from './redrive-sql.js';
import { isUuid } from '../../dto/uuid.js';
import { clampBullmqPriority } from '../../shared/redis/bullmq-priority.js';

export interface RedriveDeps {
  /** A fresh EntityManager fork. */
  em: () => SqlEntityManager;
  /** The BullMQ queue for a name (owned by the caller). */
  queue: (name: string) => Queue;
  naming: QueueNaming;
  /** The workflows the workers run: a payload no workflow runs stays dead. */
  registry: WorkflowRegistry;
  /** The producer's limit (NYX_MAX_PAYLOAD_BYTES), applied again. */
  maxPayloadBytes: number;
  /** Called with the transaction that wrote the outbox row: wakes this process's relay after commit (others hear NOTIFY). */
  afterOutboxWrite?: (em: SqlEntityManager) => void;
}

export type RedriveResult =
  | { runId: string; outcome: 'redriven'; queue: string; payloadVersion: number; previousAttempts: number; previousError: string | null }
  | { runId: string; outcome: 'already-redriven'; status: RunStatus };

/** Job states that mean the job is still somebody's: redriving would run it twice at once. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** The letter predates the run's current life: it was re-queued after the letter was written. */
function isStale(entry: DeadLetterEntry, run: RunForRedrive): boolean {
  if (run.status === 'dead') return false;
  if (run.status === 'pending') return true;
  return run.queuedAt !== null && entry.letter !== null && run.queuedAt.getTime() > Date.parse(entry.letter.failedAt);
}

async function redriveEntry(deps: RedriveDeps, entry: DeadLetterEntry): Promise<RedriveResult> {
  const runId = entry.letter?.runId ?? entry.jobId;
  const refuse = (reason: string) => new RedriveRefusedError(runId, reason);
  if (!entry.letter) throw refuse(entry.problem ?? 'unreadable dead letter');
  const letter = entry.letter;
  if (!isUuid(letter.runId)) throw refuse('no run behind this job (it was written into Redis by hand); nothing to redrive');
  const run = await readRunForRedrive(deps.em(), letter.runId);
  if (!run) throw refuse('no such run in the database');
  if (isStale(entry, run)) {
    await entry.job.remove();
    return { runId, outcome: 'already-redriven', status: run.status };
  }
  if (run.status !== 'dead') throw refuse(`the run is ${run.status}, not dead (if it just died, its outcome is not recorded yet: try again)`);

  if (letter.payloadTruncated) throw refuse('its payload was too large to keep in the dead letter');
  // Opened with the contract its schema names, upcast to the current version: a redrive writes the current one.
  const opened = openEnvelope(deps.registry.contracts, letter.payload);
  if (!opened.ok) throw refuse(`its payload is still invalid against the current schema — ${opened.reason}`);
  const { contract, data } = opened;
  const subject = contract.subjectOf?.(data);
  const what = contract.routeNamespace === '' ? 'task' : 'subject';
  if (subject !== undefined && subject !== run.subjectId) throw refuse(`its payload is for ${what} ${subject}, but the run is for ${what} ${run.subjectId}`);
  const route = contract.route(data);
  const workflow = deps.registry.forRoute(contract.name, route);
  if (!workflow) {
    const routeWord = contract.routeNamespace === '' ? 'motivation type' : `route of ${contract.name}`;
    throw refuse(`no workflow runs ${routeWord} "${route}" (known: ${deps.registry.routesOf(contract.name).join(', ')})`);
  }
  const payload = wrapEnvelope(contract, data);
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes > deps.maxPayloadBytes) throw refuse(`its payload is ${bytes} bytes, over the limit of ${deps.maxPayloadBytes} (NYX_MAX_PAYLOAD_BYTES)`);

  const queueName = deps.naming.workflowQueue(contract.queueKey(route));
  const workflowQueue = deps.queue(queueName);
  const state = await workflowQueue.getJobState(runId);
  if (LIVE_STATES.has(state)) throw refuse(`its job is still ${state} in queue "${queueName}"`);
  if (state !== 'unknown') await workflowQueue.remove(runId);

  const note = `redriven at ${new Date().toISOString()} after ${run.attempts} attempt(s); it had died with: ${run.error ?? '(no error)'}`;
  const reset = await deps.em().transactional(async (tx) => {
    const em = tx;
    if (!(await resetDeadRun(em, runId, note))) return false;
    const priority = contract.priority ? clampBullmqPriority(contract.priority(data)) : 0;
    await requeueThroughOutbox(
      em,
      { runId, queue: queueName, jobName: WORKFLOW_JOB_NAME, payload, priority, jobOptions: runJobPolicyOf(workflow) },
      new Date(),
    );
    deps.afterOutboxWrite?.(em);
    return true;
  });
  if (!reset) {
    // Another redrive got there first.
    const now = await readRunForRedrive(deps.em(), runId);
    return { runId, outcome: 'already-redriven', status: now?.status ?? 'pending' };
  }
  await entry.job.remove().catch(() => {
    // Already gone (a concurrent redrive removed it): the run is re-queued either way.
  });
  return { runId, outcome: 'redriven', queue: queueName, payloadVersion: contract.version, previousAttempts: run.attempts, previousError: run.error };
}

/** Redrives one run. Throws `DeadLetterNotFoundError` or `RedriveRefusedError` (the run then stays as it was). */
export async function redriveDeadLetter(deps: RedriveDeps, runId: string): Promise<RedriveResult> {
  const entry = await findDeadLetter(deps.queue(deps.naming.deadLetterQueue), runId);
  if (!entry) throw new DeadLetterNotFoundError(runId);
  return redriveEntry(deps, entry);
}

export type RedriveAllResult = RedriveResult | { runId: string; outcome: 'refused'; reason: string };

/** Redrives every letter it can; the others stay, each with the reason. */
export async function redriveAllDeadLetters(deps: RedriveDeps): Promise<RedriveAllResult[]> {
  const results: RedriveAllResult[] = [];
  for (const entry of await listDeadLetters(deps.queue(deps.naming.deadLetterQueue))) {
    try {
      results.push(await redriveEntry(deps, entry));
    } catch (error) {
      if (!(error instanceof RedriveRefusedError)) throw error;
      results.push({ runId: error.runId, outcome: 'refused', reason: error.reason });
    }
  }
  return results;
}
