/**
 * The database half of a redrive, one named function per statement, all run
 * in the redrive's transaction (see redrive-dead-letter.ts).
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { RunStatus } from '../entities/index.js';
import type { RunJobPolicy } from '../../dto/index.js';
import { writeOutboxMessages } from '../outbox/outbox-sql.js';

export interface RunForRedrive {
  id: string;
  /** The built-in spawnable's task id; null for another spawnable's run. */
  taskId: string | null;
  /** The run's subject id (the task's, for the built-in spawnable). */
  subjectId: string;
  status: RunStatus;
  attempts: number;
  error: string | null;
  queuedAt: Date | null;
}

export async function readRunForRedrive(em: SqlEntityManager, runId: string): Promise<RunForRedrive | null> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `select id, task_id, subject_id, status, attempts, error, queued_at from workflow_run where id = ?::uuid`,
    [runId],
  );
  if (!row) return null;
  return {
    id: String(row.id),
    taskId: row.task_id == null ? null : (row.task_id as string),
    subjectId: String(row.subject_id),
    status: row.status as RunStatus,
    attempts: Number(row.attempts),
    error: row.error as string | null,
    queuedAt: row.queued_at ? new Date(row.queued_at as string) : null,
  };
}

/**
 * Puts a dead run back to `pending`, as if just spawned: attempts start again
 * from 0 (the new job's attempts count from 1, and the recorder orders
 * outcomes by attempt), no result, `error` says what the earlier life ended
 * with until the next outcome replaces it. Only a run that is still dead is
 * touched: of two concurrent redrives, one resets it and the other gets
 * `false`.
 */
export async function resetDeadRun(em: SqlEntityManager, runId: string, note: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `update workflow_run
        set status = 'pending', attempts = 0, result = null, error = ?,
            started_at = null, finished_at = null, queued_at = null
      where id = ?::uuid and status = 'dead'
      returning id`,
    [note, runId],
  );
  return rows.length === 1;
}

export interface RequeuedMessage {
  runId: string;
  queue: string;
  jobName: string;
  payload: unknown;
  priority: number;
  /** The workflow's attempts/backoff as of now (null: the relay's defaults). */
  jobOptions?: RunJobPolicy | null;
}

/**
 * Sends the run through the outbox again: its row (one per run, unique on
 * run_id) gets the new payload and becomes undispatched, or is created if it
 * was pruned. The relay then adds the job with the run id as job id, exactly
 * as for a spawn — and NOTIFY wakes the relays when the transaction commits.
 */
export async function requeueThroughOutbox(em: SqlEntityManager, message: RequeuedMessage, at: Date): Promise<void> {
  await writeOutboxMessages(em, [{ ...message, payloadJson: JSON.stringify(message.payload), createdAt: at }]);
}
