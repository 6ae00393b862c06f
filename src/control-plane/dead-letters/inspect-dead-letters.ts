/** `nyx dlq list` and `nyx dlq show`: letters from Redis, joined with their runs in PostgreSQL. */
import { openEnvelope } from '../../dto/contract.js';
import type { WorkflowRegistry } from '../../workers/workflows/registry.js';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Queue } from 'bullmq';
import type { DeadLetter } from '../../dto/dead-letter.js';
import type { RunStatus } from '../entities/index.js';
import type { QueueNaming } from '../../shared/redis/queue-naming.js';
import { findDeadLetter, listDeadLetters } from './dead-letter-queue.js';
import { DeadLetterNotFoundError } from './errors/dead-letter-not-found-error.js';
import { readRunForRedrive, type RunForRedrive } from './redrive-sql.js';
import { isUuid } from '../../dto/uuid.js';
import { pgArrayLiteral } from '../outbox/pg-array.js';

export interface InspectDeps {
  em: () => SqlEntityManager;
  queue: (name: string) => Queue;
  naming: QueueNaming;
  /** The contracts and routes, to find a letter's workflow queue. @defaultValue the built-in contract's `motivationType` */
  registry?: WorkflowRegistry;
}

/** The queue key of a dead letter's payload: its contract's route, or '' when unreadable. */
function queueKeyOf(deps: InspectDeps, payload: unknown): string {
  if (deps.registry) {
    const opened = openEnvelope(deps.registry.contracts, payload);
    if (!opened.ok) return '';
    try {
      return opened.contract.queueKey(opened.contract.route(opened.data));
    } catch {
      return '';
    }
  }
  const data = (payload as { data?: { motivationType?: unknown } } | undefined)?.data;
  return typeof data?.motivationType === 'string' ? data.motivationType : '';
}

export interface DeadLetterSummary {
  runId: string;
  workflow: string | null;
  reason: string;
  /** First line of the last error. */
  error: string;
  attemptsMade: number;
  failedAt: string | null;
  /** The run's status in PostgreSQL; null for a job with no run (written by hand). */
  runStatus: RunStatus | null;
}

export async function listDeadLetterSummaries(deps: InspectDeps, limit?: number): Promise<DeadLetterSummary[]> {
  const entries = await listDeadLetters(deps.queue(deps.naming.deadLetterQueue), limit);
  const runIds = entries.map((e) => e.letter?.runId ?? e.jobId).filter((id) => isUuid(id));
  const runs = new Map<string, { status: RunStatus; workflow: string }>();
  if (runIds.length > 0) {
    const rows = await deps
      .em()
      .execute<{ id: string; status: RunStatus; workflow: string }[]>(`select id, status, workflow from workflow_run where id = any(?::uuid[])`, [
        pgArrayLiteral(runIds),
      ]);
    for (const row of rows) runs.set(String(row.id), { status: row.status, workflow: row.workflow });
  }
  return entries.map(({ jobId, letter, problem }) => {
    const runId = letter?.runId ?? jobId;
    return {
      runId,
      // A letter whose payload could not be read names no workflow; its run does.
      workflow: letter?.workflow ?? runs.get(runId)?.workflow ?? null,
      reason: letter?.reason ?? 'unreadable dead letter',
      error: (letter?.error ?? problem ?? '').split('\n')[0]!,
      attemptsMade: letter?.attemptsMade ?? 0,
      failedAt: letter?.failedAt ?? null,
      runStatus: runs.get(runId)?.status ?? null,
    };
  });
}

export interface DeadLetterDetails {
  letter: DeadLetter | null;
  problem?: string;
  run: RunForRedrive | null;
  /** State of the run's job in its workflow queue (`unknown`: gone). */
  jobState: string;
}

export async function showDeadLetter(deps: InspectDeps, runId: string): Promise<DeadLetterDetails> {
  const entry = await findDeadLetter(deps.queue(deps.naming.deadLetterQueue), runId);
  if (!entry) throw new DeadLetterNotFoundError(runId);
  const id = entry.letter?.runId ?? entry.jobId;
  const run = isUuid(id) ? await readRunForRedrive(deps.em(), id) : null;
  const jobState = await deps.queue(deps.naming.workflowQueue(queueKeyOf(deps, entry.letter?.payload))).getJobState(id);
  return { letter: entry.letter, ...(entry.problem ? { problem: entry.problem } : {}), run, jobState };
}
