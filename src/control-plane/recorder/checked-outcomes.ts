/**
 * Results are checked, not trusted; one bad outcome never costs its
 * neighbours. `recordCheckedOutcomes` takes a group-commit batch of outcomes
 * (from many results jobs) and sorts every one into exactly one of:
 *
 * - changed: written (record-outcomes-sql.ts), its run moved on;
 * - killed: it could never be stored (a lone surrogate, a NUL, a result over
 *   the size cap, or anything PostgreSQL refused when it was written on its
 *   own): its run ends `dead`, reason `unstorable outcome`, with the
 *   problem in the error; the recorder writes its dead letter;
 * - refused: no worker of this run could have sent it (unknown run, never
 *   dispatched, workflow or task not the run's, attempt beyond what the
 *   run's attempts allow): never written, kept in `outcome_quarantine`;
 * - ignored: a normal consequence of at-least-once delivery (the run is
 *   already final, a failure older than the attempts recorded, or another
 *   outcome of the same run in the batch wins): nothing to keep, counted only.
 *
 * Cost: the common case is one statement for the whole batch. Outcomes the
 * UPDATE left alone cost one SELECT to explain. If the batch statement fails
 * (PostgreSQL refused something the checks missed), the batch is bisected
 * until the bad entries stand alone: O(k log n) statements for k bad ones.
 * A lost connection is not "bad data": it propagates, and the recorder holds
 * the results and tries again.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { WorkflowFailure, WorkflowOutcome } from '../../dto/index.js';
import { cutToBytes, findUnstorableOutcome, toStorableText } from '../../dto/storable.js';
import { isFinalRunStatus } from '../../dto/run-status.js';
import { unreachableDependency } from '../../shared/errors/unreachable-dependency.js';
import { collapseOutcomes, readRunStates, recordOutcomes, waitForRelays, type RunState } from './record-outcomes-sql.js';

export const UNSTORABLE_DEAD_REASON = 'unstorable outcome';

export type RefusalReason = 'unknown_run' | 'not_dispatched' | 'workflow_mismatch' | 'task_mismatch' | 'implausible_attempt' | 'unwritable';
export type IgnoredReason = 'run_final' | 'stale_attempt' | 'superseded';

export interface CheckOptions {
  /** Highest plausible attempt number (attempts + stalls allowed + 1). */
  maxAttempt: number;
  /** Largest outcome, in bytes of JSON. */
  maxOutcomeBytes: number;
}

export interface CheckedOutcomes {
  /** Outcomes that changed their run (killed ones included, in their dead form). */
  changed: WorkflowOutcome[];
  /** Dead outcomes the recorder made for unstorable ones that changed their run. */
  killed: WorkflowFailure[];
  refused: { outcome: WorkflowOutcome; reason: RefusalReason; detail: string }[];
  ignored: { outcome: WorkflowOutcome; reason: IgnoredReason }[];
}

/** The dead outcome that replaces one that can never be stored. */
function asDead(outcome: WorkflowOutcome, problem: string): WorkflowFailure {
  const validDate = (date: Date) => (Number.isNaN(date.getTime()) || findUnstorableOutcome({ attempt: 1, date }) ? new Date() : date);
  return {
    kind: 'failed',
    runId: outcome.runId,
    taskId: outcome.taskId,
    ...(outcome.subjectId !== undefined ? { subjectId: outcome.subjectId } : {}),
    workflow: outcome.workflow === null ? null : toStorableText(outcome.workflow),
    attempt: outcome.attempt,
    startedAt: validDate(outcome.startedAt),
    finishedAt: validDate(outcome.finishedAt),
    error: cutToBytes(
      toStorableText(`UnstorableOutcomeError: the ${outcome.kind} outcome of attempt ${outcome.attempt} cannot be recorded: ${problem}`),
      4_000,
    ),
    final: true,
    deadReason: UNSTORABLE_DEAD_REASON,
  };
}

/**
 * A failure's texts are made storable rather than refused (a worker's error
 * message may quote anything; losing a NUL in it costs nothing).
 */
function withStorableTexts(outcome: WorkflowOutcome): WorkflowOutcome {
  if (outcome.kind !== 'failed') return outcome;
  return { ...outcome, error: toStorableText(outcome.error), deadReason: outcome.deadReason === null ? null : toStorableText(outcome.deadReason) };
}

/** What is wrong with an outcome before any SQL, or null. */
function problemOf(outcome: WorkflowOutcome, maxOutcomeBytes: number): string | null {
  const unstorable = findUnstorableOutcome(outcome);
  if (unstorable) return `${unstorable.path} ${unstorable.problem}`;
  if (outcome.kind === 'completed') {
    const bytes = Buffer.byteLength(JSON.stringify(outcome.output));
    if (bytes > maxOutcomeBytes) return `its output is ${bytes} bytes of JSON, more than NYX_MAX_RESULT_BYTES (${maxOutcomeBytes})`;
  }
  return null;
}

function isConnectionLoss(error: unknown): boolean {
  return unreachableDependency(error) !== null;
}

/** Writes outcomes; when the statement fails on data, halves the batch until each bad entry stands alone. */
export async function writeIsolated(
  em: () => SqlEntityManager,
  outcomes: WorkflowOutcome[],
  options: CheckOptions,
): Promise<{ changed: Set<string>; failed: { outcome: WorkflowOutcome; error: unknown }[] }> {
  try {
    return { changed: new Set(await recordOutcomes(em(), outcomes, options)), failed: [] };
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    if (outcomes.length === 1) return { changed: new Set(), failed: [{ outcome: outcomes[0]!, error }] };
    const middle = Math.ceil(outcomes.length / 2);
    const left = await writeIsolated(em, outcomes.slice(0, middle), options);
    const right = await writeIsolated(em, outcomes.slice(middle), options);
    return { changed: new Set([...left.changed, ...right.changed]), failed: [...left.failed, ...right.failed] };
  }
}

function classify(outcome: WorkflowOutcome, state: RunState | undefined): { refused?: RefusalReason; ignored?: IgnoredReason; detail: string } {
  if (!state) return { refused: 'unknown_run', detail: `no run ${outcome.runId}` };
  if (isFinalRunStatus(state.status)) return { ignored: 'run_final', detail: `run is ${state.status}` };
  if (state.status === 'pending' || state.status === 'delayed') return { refused: 'not_dispatched', detail: 'the run was never sent to a worker' };
  if (outcome.workflow !== state.workflow && !(outcome.workflow === null && outcome.kind === 'failed')) {
    return { refused: 'workflow_mismatch', detail: `outcome names workflow ${JSON.stringify(outcome.workflow)}, the run is ${JSON.stringify(state.workflow)}` };
  }
  if (outcome.kind === 'completed' && outcome.subjectId !== undefined && outcome.subjectId !== state.subjectId) {
    return { refused: 'task_mismatch', detail: `outcome names subject ${outcome.subjectId}, the run's is ${state.subjectId}` };
  }
  if (outcome.kind === 'completed' && outcome.subjectId === undefined && outcome.taskId !== null && outcome.taskId !== state.taskId) {
    return { refused: 'task_mismatch', detail: `outcome names task ${outcome.taskId}, the run's is ${state.taskId}` };
  }
  return { ignored: 'stale_attempt', detail: `attempt ${outcome.attempt} is older than the ${state.attempts} recorded` };
}

export async function recordCheckedOutcomes(em: () => SqlEntityManager, batch: readonly WorkflowOutcome[], options: CheckOptions): Promise<CheckedOutcomes> {
  const result: CheckedOutcomes = { changed: [], killed: [], refused: [], ignored: [] };
  const toWrite: WorkflowOutcome[] = [];
  const killedByRun = new Map<string, WorkflowFailure>();
  /** What arrived, by run: a refusal keeps the outcome as sent, not its dead form. */
  const received = new Map<string, WorkflowOutcome>();
  const kept = collapseOutcomes(batch);
  const keptSet = new Set(kept);
  // Another outcome of the same run in this batch wins (final over not, then the later attempt).
  for (const outcome of batch) if (!keptSet.has(outcome)) result.ignored.push({ outcome, reason: 'superseded' });
  for (const arrived of kept) {
    received.set(arrived.runId, arrived);
    const outcome = withStorableTexts(arrived);
    if (outcome.attempt > options.maxAttempt) {
      result.refused.push({
        outcome,
        reason: 'implausible_attempt',
        detail: `attempt ${outcome.attempt} is more than ${options.maxAttempt}, the most a run can make`,
      });
      continue;
    }
    const problem = problemOf(outcome, options.maxOutcomeBytes);
    const written = problem ? asDead(outcome, problem) : outcome;
    if (problem) killedByRun.set(outcome.runId, written as WorkflowFailure);
    toWrite.push(written);
  }

  const first = await writeIsolated(em, toWrite, options);
  const changed = first.changed;
  for (const { outcome, error } of first.failed) {
    // PostgreSQL refused this entry alone: it can never be stored. End its run instead.
    const dead = asDead(outcome, `PostgreSQL refused it (${(error as Error).message ?? String(error)})`);
    const again = await writeIsolated(em, [dead], options);
    if (again.changed.has(dead.runId)) {
      changed.add(dead.runId);
      killedByRun.set(dead.runId, dead);
    } else if (again.failed.length > 0) {
      result.refused.push({ outcome, reason: 'unwritable', detail: cutToBytes(toStorableText(String((again.failed[0]!.error as Error).message)), 1_000) });
    } else {
      toWrite[toWrite.indexOf(outcome)] = dead;
    }
  }
  const refusedIds = new Set(result.refused.map((r) => r.outcome.runId));
  let left = toWrite.filter((o) => !changed.has(o.runId) && !refusedIds.has(o.runId));
  let states = await readRunStates(
    em(),
    left.map((o) => o.runId),
  );
  // A run still pending may belong to a relay that sent its job and has not
  // committed yet; one that looks fine may have been committed by that relay
  // between the UPDATE and the SELECT. Either way: wait for the relays, then
  // try once more, and only then explain what is left.
  const notYetQueued = left.filter((o) => {
    const status = states.get(o.runId)?.status;
    return status !== undefined && !isFinalRunStatus(status);
  });
  if (notYetQueued.length > 0) {
    await waitForRelays(
      em(),
      notYetQueued.map((o) => o.runId),
    );
    const retried = await writeIsolated(em, notYetQueued, options);
    for (const id of retried.changed) changed.add(id);
    left = left.filter((o) => !changed.has(o.runId));
    states = await readRunStates(
      em(),
      left.map((o) => o.runId),
    );
  }

  for (const outcome of toWrite) {
    if (changed.has(outcome.runId)) {
      result.changed.push(outcome);
      const killed = killedByRun.get(outcome.runId);
      if (killed) result.killed.push(killed);
    }
  }
  for (const outcome of left) {
    const verdict = classify(outcome, states.get(outcome.runId));
    const sent = received.get(outcome.runId) ?? outcome;
    if (verdict.refused) result.refused.push({ outcome: sent, reason: verdict.refused, detail: verdict.detail });
    else result.ignored.push({ outcome: sent, reason: verdict.ignored! });
  }
  return result;
}
