/**
 * The BullMQ processor of a worker process. For each job: open the envelope
 * with the contract its `schema` names (upcasting older versions), find the
 * workflow for the contract's route key, parse the workflow's own input, run it, and report
 * the outcome. Everything it knows comes from the job's data: there is no
 * database here to ask.
 *
 * Failures:
 * - unreadable payloads (not JSON, wrong envelope, unknown schema or
 *   version, invalid fields, hostile shapes) and unknown workflows are
 *   unrecoverable: retrying cannot help, so no attempt is spent on them;
 * - a workflow's own error is retried with backoff until attempts run out,
 *   unless it throws `WorkflowUnrecoverableError`;
 * - a job that keeps stalling (its workers die) is failed here once it is
 *   back more than `maxStalledCount` times — reported first, then failed, so
 *   the control plane always hears of it. BullMQ is given one stall more, so
 *   its own limit only trips if even that attempt dies; `handleFailedEvent`
 *   reports that last case.
 * - when the worker's shutdown grace period ran out, nothing is reported: a
 *   workflow that stops on `ctx.signal` has its job handed back to the queue
 *   at once (`moveToWait`, then BullMQ's `WaitingError` so it does not also
 *   fail it); one that ignores the signal is abandoned when the process exits,
 *   and stalled-job recovery hands it to another worker once its lock lapses.
 *
 * `attempt` (recorded as the run's `attempts`) counts starts of the
 * workflow, including starts cut short by a crash: delivery is at least once.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { z } from 'zod';
import { describeDeadCause, openEnvelope, WorkflowFailure, WorkflowResult, type Contract, type WorkflowOutcomeWire } from '../dto/index.js';
import type { WorkflowRegistry } from './workflows/registry.js';
import type { WorkflowDefinition } from './workflows/workflow.js';
import { AttemptControl } from './attempt-control.js';
import { RunStoppedError, type StopStatus } from './run-stopped-error.js';
import { asBullmqError, deadCauseOf, errorMessage, errorNameOf, isStalledFailure, isUnrecoverable } from './classify-failure.js';
import { InvalidPayloadError } from './invalid-payload-error.js';
import type { OutcomeReporter } from './outcome-reporter.js';
import { StalledTooOftenError } from './stalled-too-often-error.js';
import { UnstorableResultError } from './unstorable-result-error.js';
import { findUnstorableOutcome } from '../dto/storable.js';
import { UnreadableJobData } from './unreadable-job-data.js';
import { isUuid } from '../dto/uuid.js';

export interface ProcessorLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface WorkflowProcessorDeps {
  registry: WorkflowRegistry;
  reporter: OutcomeReporter;
  log: ProcessorLogger;
  /** Aborted when shutdown's grace period runs out. */
  shutdownSignal: AbortSignal;
  /** Times a job may come back from stalled-job recovery and still run (NYX_MAX_STALLED_COUNT). */
  maxStalledCount: number;
  /** How long a workflow stopped by its deadline or an operator gets to end, in ms (attempt-control.ts). @defaultValue 2000 */
  abortGraceMs?: number;
  /** Told of each attempt abandoned after the grace period (a zombie), with its still running promise. */
  onAbandoned?: (attempt: { runId: string; workflow: string }, running: Promise<unknown>) => void;
  /** Hears operator stops (cancel, fail) of running attempts. @defaultValue none: runs are not stopped */
  stops?: { watch(runId: string, onStop: (status: StopStatus) => void): () => void };
}

export interface WorkflowProcessor {
  /** The BullMQ processor function. */
  process(job: Job, token?: string): Promise<unknown>;
  /** For the Worker's `failed` event: reports failures BullMQ decided without running `process`. */
  handleFailedEvent(job: Job | undefined, error: Error): Promise<void>;
}

interface AttemptState {
  attempt: number;
  startedAt: Date;
  /** The payload's subject id, when its contract says (`subjectOf`). */
  subjectId: string | null;
  workflow: WorkflowDefinition | undefined;
}

/** An opened payload: its contract, parsed data and wire form, route key and subject. */
interface OpenedJob {
  contract: Contract;
  wire: unknown;
  route: string;
  subjectId: string | null;
}

/** The subject as a legacy `taskId` (a uuid field of outcomes and dead letters): null when it is not a uuid. */
function taskIdOf(subjectId: string | null): string | null {
  return subjectId !== null && isUuid(subjectId) ? subjectId : null;
}

function openJob(registry: WorkflowRegistry, data: unknown): { ok: true; job: OpenedJob } | { ok: false; reason: string } {
  const opened = openEnvelope(registry.contracts, data);
  if (!opened.ok) return opened;
  const { contract } = opened;
  try {
    const route = contract.route(opened.data);
    const subject = contract.subjectOf?.(opened.data);
    return { ok: true, job: { contract, wire: opened.wire, route, subjectId: subject === undefined ? null : String(subject) } };
  } catch (error) {
    return { ok: false, reason: `${contract.name}: route or subject unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function parseInput(workflow: WorkflowDefinition, payload: unknown): unknown {
  // Input schemas read the wire form (dates as ISO strings), like the payload
  // itself, projected to the fields the workflow declares.
  const wire = (payload !== null && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const shape = (workflow.input as { shape?: Record<string, unknown> }).shape;
  const projected = shape
    ? Object.fromEntries(
        Object.keys(shape)
          .filter((k) => k in wire)
          .map((k) => [k, wire[k]]),
      )
    : payload;
  const parsed = workflow.input.safeParse(projected);
  if (!parsed.success) {
    throw new InvalidPayloadError(`payload does not fit workflow "${workflow.name}": ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function createWorkflowProcessor(deps: WorkflowProcessorDeps): WorkflowProcessor {
  const { maxStalledCount } = deps;
  /** Jobs `process` saw: their failures are reported there, not by the failed event. */
  const seen = new WeakSet<Job>();

  async function reportFailure(job: Job, error: unknown, state: AttemptState, failedByBullmq: boolean): Promise<void> {
    const runId = String(job.id);
    const final = failedByBullmq || isUnrecoverable(error) || job.attemptsMade + 1 >= Number(job.opts.attempts ?? 1);
    const counted = failedByBullmq ? job.attemptsMade : job.attemptsMade + 1;
    const deadCause = final ? deadCauseOf(error, { attempts: counted, stalls: job.stalledCounter }) : null;
    const deadReason = deadCause ? describeDeadCause(deadCause) : null;
    const failure = {
      kind: 'failed' as const,
      runId,
      taskId: taskIdOf(state.subjectId),
      ...(state.subjectId !== null ? { subjectId: state.subjectId } : {}),
      workflow: state.workflow?.name ?? null,
      attempt: state.attempt,
      startedAt: state.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      error: errorMessage(error),
      errorName: errorNameOf(error),
      final,
      deadReason,
      deadCause,
    };
    deps.log.warn({ runId, jobId: runId, taskId: failure.taskId, attempt: state.attempt, final, err: failure.error }, 'workflow attempt failed');
    // A job someone wrote into Redis by hand has no run to record; it still gets a dead letter.
    if (isUuid(runId)) {
      WorkflowFailure.parse(failure); // checked in wire form, as sent
      await deps.reporter.report(failure);
    }
    if (final) {
      await deps.reporter.deadLetter(
        job,
        { runId, taskId: failure.taskId, subjectId: state.subjectId, workflow: failure.workflow, reason: deadReason!, error: failure.error },
        failedByBullmq,
      );
    }
  }

  async function process(job: Job, token?: string): Promise<unknown> {
    seen.add(job);
    const runId = String(job.id);
    const state: AttemptState = { attempt: Math.max(1, job.attemptsStarted), startedAt: new Date(), subjectId: null, workflow: undefined };
    try {
      const data: unknown = job.data;
      const opened = data instanceof UnreadableJobData ? null : openJob(deps.registry, data);
      if (opened?.ok) {
        state.subjectId = opened.job.subjectId;
        state.workflow = deps.registry.forRoute(opened.job.contract.name, opened.job.route);
      }
      if (job.stalledCounter > maxStalledCount) {
        // This start only fails the job: the attempt that counts is the one that stalled.
        state.attempt = Math.max(1, job.attemptsStarted - 1);
        throw new StalledTooOftenError(runId, job.stalledCounter, maxStalledCount);
      }
      if (data instanceof UnreadableJobData) {
        throw new InvalidPayloadError(`job data is not JSON (${data.problem}): ${JSON.stringify(data.raw.slice(0, 80))}`);
      }
      if (!opened?.ok) throw new InvalidPayloadError(opened?.reason ?? 'no payload');
      const workflow = state.workflow;
      if (!workflow) {
        const { contract, route } = opened.job;
        const what = contract.routeNamespace === '' ? `motivation type "${route}"` : `route "${route}" of ${contract.name}`;
        throw new InvalidPayloadError(`no workflow for ${what} (known: ${deps.registry.routesOf(contract.name).join(', ')})`);
      }
      const input = parseInput(workflow, opened.job.wire);
      const log = { runId, jobId: runId, subjectId: state.subjectId, workflow: workflow.name, attempt: state.attempt };
      const control = new AttemptControl({
        runId,
        workflow: workflow.name,
        timeoutMs: workflow.timeoutMs,
        graceMs: deps.abortGraceMs ?? 2_000,
        shutdownSignal: deps.shutdownSignal,
        onAbandoned: (running) => deps.onAbandoned?.({ runId, workflow: workflow.name }, running),
      });
      const unwatch = deps.stops?.watch(runId, (status) => control.stop(new RunStoppedError(runId, status)));
      const output = await control
        .run(() =>
          workflow.run(input, {
            runId,
            attempt: state.attempt,
            signal: control.signal,
            reportProgress: (percent) => job.updateProgress(Math.max(0, Math.min(100, percent))),
            log: (message, fields) => deps.log.info({ ...log, ...fields }, message),
          }),
        )
        .finally(unwatch);
      // A result that came in the grace period after a stop is not the run's: it is already final.
      if (control.stopReason instanceof RunStoppedError) throw control.stopReason;
      // Built in wire form and validated as such: what is checked is what is sent
      // (and kept as the job's return value), with no decode/encode round trip.
      const result = {
        kind: 'completed' as const,
        runId,
        taskId: taskIdOf(state.subjectId),
        ...(state.subjectId !== null ? { subjectId: state.subjectId } : {}),
        workflow: workflow.name,
        attempt: state.attempt,
        startedAt: state.startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        output,
      };
      const checked = WorkflowResult.safeParse(result);
      if (!checked.success) {
        throw new UnrecoverableError(`workflow "${workflow.name}" returned output that is not plain JSON: ${z.prettifyError(checked.error)}`);
      }
      // Never send what the recorder could not store: the run ends here, with the reason.
      const unstorable = findUnstorableOutcome(result);
      const problem = unstorable ? `${unstorable.path} ${unstorable.problem}` : deps.reporter.problemWith(result as WorkflowOutcomeWire);
      if (problem) throw new UnstorableResultError(runId, workflow.name, problem);
      await deps.reporter.report(result as WorkflowOutcomeWire);
      return result;
    } catch (error) {
      // Cut short by shutdown: not a failure of the run. Reporting one would
      // record an attempt as failed (even dead, on the last attempt) while the
      // job runs again elsewhere. The job goes back to the queue instead.
      if (deps.shutdownSignal.aborted && !(error instanceof RunStoppedError)) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      // Stopped by an operator: the control plane recorded the final status; nothing to report, no retry.
      if (error instanceof RunStoppedError) {
        deps.log.info({ runId, jobId: runId, status: error.status }, 'run stopped by an operator; attempt ended');
        throw error;
      }
      await reportFailure(job, error, state, false);
      if (job.data instanceof UnreadableJobData) {
        // The dead letter has the raw text. In Redis, readable data replaces it, or
        // every listing of the failed jobs (dashboard, getJobs) would throw on it.
        await job.updateData({ unreadable: job.data.raw.slice(0, 1_000), problem: job.data.problem });
      }
      throw asBullmqError(error);
    }
  }

  async function handleFailedEvent(job: Job | undefined, error: Error): Promise<void> {
    if (!job || seen.has(job)) return;
    // BullMQ failed this job before `process` ran: today only a deferred
    // failure does that (stalled past BullMQ's own limit). It is final.
    const stalled = isStalledFailure(error);
    const attempt = Math.max(1, stalled ? job.attemptsStarted - 1 : job.attemptsStarted);
    // The payload is only read to name the task and workflow in the dead letter.
    const opened = job.data instanceof UnreadableJobData ? null : openJob(deps.registry, job.data);
    const subjectId = opened?.ok ? opened.job.subjectId : null;
    const workflow = opened?.ok ? deps.registry.forRoute(opened.job.contract.name, opened.job.route) : undefined;
    await reportFailure(job, error, { attempt, startedAt: new Date(), subjectId, workflow }, true);
  }

  return { process, handleFailedEvent };
}
