/**
 * The outbox's SQL, one named function per statement. All take the
 * EntityManager of the transaction they belong to.
 *
 * Locking: `claimOutboxBatch` takes row locks with `FOR UPDATE SKIP LOCKED`,
 * so relays in several processes each claim a different batch and never wait
 * for one another; the locks are held until the relay's transaction commits
 * (after `addBulk` and `markDispatched`), so a row is never claimed twice
 * while a relay is busy with it. A relay that dies releases its locks with its
 * connection, and the rows go out again — at least once; the job id makes the
 * second send a no-op in BullMQ.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import { OutboxMessage, WorkflowRun } from '../entities/index.js';

export const OUTBOX_CHANNEL = 'nyx_outbox';

export interface OutboxRow {
  id: number;
  runId: string;
  queue: string;
  jobName: string;
  payload: unknown;
  priority: number;
}

export interface NewRun {
  id: string;
  taskId: string;
  workflow: string;
  payloadVersion: number;
  enqueuedAt: Date;
}

export interface NewOutboxMessage {
  runId: string;
  queue: string;
  jobName: string;
  payload: unknown;
  priority: number;
  createdAt: Date;
}

/** Rows per INSERT: 12 columns × 1,000 stays far below the 65,535-parameter limit. */
const INSERT_CHUNK = 1_000;

export async function insertRuns(em: SqlEntityManager, runs: readonly NewRun[]): Promise<void> {
  for (let i = 0; i < runs.length; i += INSERT_CHUNK) {
    const chunk = runs.slice(i, i + INSERT_CHUNK).map((run) => ({
      id: run.id,
      task: run.taskId,
      workflow: run.workflow,
      status: 'pending' as const,
      attempts: 0,
      payloadVersion: run.payloadVersion,
      enqueuedAt: run.enqueuedAt,
      result: null,
      error: null,
      queuedAt: null,
      startedAt: null,
      finishedAt: null,
    }));
    await em.insertMany(WorkflowRun, chunk);
  }
}

export async function insertOutboxMessages(em: SqlEntityManager, messages: readonly NewOutboxMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
    await em.insertMany(OutboxMessage, messages.slice(i, i + INSERT_CHUNK).map((m) => ({ ...m, dispatchedAt: null })));
  }
}

/** Wakes every listening relay when the surrounding transaction commits (NOTIFY is transactional). */
export async function notifyOutbox(em: SqlEntityManager): Promise<void> {
  await em.execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
}

export async function claimOutboxBatch(em: SqlEntityManager, limit: number): Promise<OutboxRow[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, run_id, queue, job_name, payload, priority from outbox_message
      where dispatched_at is null order by id limit ? for update skip locked`,
    [limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    runId: String(row.run_id),
    queue: String(row.queue),
    jobName: String(row.job_name),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    priority: Number(row.priority),
  }));
}

/** Marks claimed rows as sent and their runs as queued (a run that already moved on keeps its status). */
export async function markDispatched(em: SqlEntityManager, rows: readonly OutboxRow[], at: Date): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id: { $in: rows.map((r) => r.id) } }, { dispatchedAt: at });
  await em.nativeUpdate(
    WorkflowRun,
    { id: { $in: rows.map((r) => r.runId) }, status: 'pending' },
    { status: 'queued', queuedAt: at },
  );
}

export interface OutboxLag {
  pending: number;
  oldestPendingAgeMs: number;
}

export async function readOutboxLag(em: SqlEntityManager): Promise<OutboxLag> {
  const [row] = await em.execute<{ pending: string | number; oldest: Date | string | null }[]>(
    `select count(*) as pending, min(created_at) as oldest from outbox_message where dispatched_at is null`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { pending: Number(row?.pending ?? 0), oldestPendingAgeMs: oldest === null ? 0 : Math.max(0, Date.now() - oldest) };
}

/** Deletes dispatched rows older than `before`; returns how many. */
export async function pruneDispatched(em: SqlEntityManager, before: Date): Promise<number> {
  return em.nativeDelete(OutboxMessage, { dispatchedAt: { $ne: null, $lt: before } });
}
