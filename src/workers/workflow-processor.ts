/**
 * The BullMQ processor of a worker process. For each job: open the envelope
 * with the shared zod schema (upcasting older versions), find the workflow
 * for its motivation type, parse the workflow's own input, run it, and report
 * the outcome. Everything it knows comes from the job's data: there is no
 * database here to ask.
 *
 * Unreadable payloads and unknown workflows are unrecoverable (retrying cannot
 * help); a workflow's own error is retried until attempts run out, unless it
 * throws `UnrecoverableError`.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { openTaskSpawnEnvelope, TaskSpawnContext, WorkflowResult, type TaskSpawnContext as Context } from '../dto/index.js';
import type { WorkflowRegistry } from '../workflows/registry.js';
import type { WorkflowDefinition } from '../workflows/workflow.js';
import { InvalidPayloadError } from './invalid-payload-error.js';
import type { OutcomeReporter } from './outcome-reporter.js';

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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function parseInput(workflow: WorkflowDefinition, context: Context): unknown {
  // Input schemas read the wire form (dates as ISO strings), like the payload
  // itself, projected to the fields the workflow declares.
  const wire: Record<string, unknown> = z.encode(TaskSpawnContext, context);
  const shape = (workflow.input as { shape?: Record<string, unknown> }).shape;
  const projected = shape ? Object.fromEntries(Object.keys(shape).filter((k) => k in wire).map((k) => [k, wire[k]])) : wire;
  const parsed = workflow.input.safeParse(projected);
  if (!parsed.success) {
    throw new InvalidPayloadError(`payload does not fit workflow "${workflow.name}": ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function createWorkflowProcessor(deps: WorkflowProcessorDeps) {
  return async function processWorkflowJob(job: Job): Promise<unknown> {
    const runId = String(job.id);
    const attempt = job.attemptsMade + 1;
    const startedAt = new Date();
    let context: Context | null = null;
    let workflow: WorkflowDefinition | undefined;
    try {
      const opened = openTaskSpawnEnvelope(job.data);
      if (!opened.ok) throw new InvalidPayloadError(opened.reason);
      context = opened.context;
      workflow = deps.registry.forMotivation(context.motivationType);
      if (!workflow) {
        throw new InvalidPayloadError(
          `no workflow for motivation type "${context.motivationType}" (known: ${deps.registry.motivationTypes.join(', ')})`,
        );
      }
      const input = parseInput(workflow, context);
      const log = { runId, jobId: runId, taskId: context.taskId, workflow: workflow.name, attempt };
      const output = await workflow.run(input, {
        runId,
        attempt,
        signal: deps.shutdownSignal,
        reportProgress: (percent) => job.updateProgress(Math.max(0, Math.min(100, percent))),
        log: (message, fields) => deps.log.info({ ...log, ...fields }, message),
      });
      const result = WorkflowResult.safeParse({
        kind: 'completed',
        runId,
        taskId: context.taskId,
        workflow: workflow.name,
        attempt,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        output,
      });
      if (!result.success) {
        throw new UnrecoverableError(`workflow "${workflow.name}" returned output that is not plain JSON: ${z.prettifyError(result.error)}`);
      }
      await deps.reporter.report(result.data);
      return z.encode(WorkflowResult, result.data);
    } catch (error) {
      const unrecoverable = error instanceof UnrecoverableError;
      const final = unrecoverable || attempt >= (job.opts.attempts ?? 1);
      const deadReason = !final
        ? null
        : error instanceof InvalidPayloadError
          ? 'invalid payload'
          : unrecoverable
            ? 'unrecoverable error'
            : `attempts exhausted (${attempt})`;
      const failure = {
        kind: 'failed' as const,
        runId,
        taskId: context?.taskId ?? null,
        workflow: workflow?.name ?? null,
        attempt,
        startedAt,
        finishedAt: new Date(),
        error: errorMessage(error).slice(0, 4_000),
        final,
        deadReason,
      };
      deps.log.warn({ runId, jobId: runId, taskId: failure.taskId, attempt, final, err: failure.error }, 'workflow attempt failed');
      // A job someone wrote into Redis by hand has no run to record; it still gets a dead letter.
      if (UUID.test(runId)) await deps.reporter.report(failure);
      if (final) {
        await deps.reporter.deadLetter(job, {
          runId,
          taskId: failure.taskId,
          workflow: failure.workflow,
          reason: deadReason!,
          error: failure.error,
        });
      }
      throw error;
    }
  };
}
