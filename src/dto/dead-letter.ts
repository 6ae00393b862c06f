/**
 * A dead letter: what the worker leaves in the dead-letter queue when a run
 * is dead (attempts exhausted, unrecoverable error, unreadable payload,
 * stalled too often). Written by the worker (src/workers/outcome-reporter.ts),
 * read by the control plane (src/control-plane/dead-letters) to list, show and redrive.
 *
 * The job id in the dead-letter queue is the run id (see `deadLetterJobId`),
 * so there is at most one letter per run: a redrive consumes it.
 */
import { z } from 'zod';
import { isUuid } from './uuid.js';

/** Largest payload copied into a letter, in bytes of JSON; bigger ones are cut (and cannot be redriven). */
export const DEAD_LETTER_PAYLOAD_MAX_BYTES = 1_048_576;

export const DeadLetter = z.object({
  /** The job id: the run id for jobs the relay sent, anything for jobs written into Redis by hand. */
  runId: z.string(),
  taskId: z.string().nullable(),
  /** The run's subject id, when the payload's contract names it. Absent from older workers. */
  subjectId: z.string().nullable().optional(),
  workflow: z.string().nullable(),
  /** Why the run is dead, short: `invalid payload`, `unrecoverable error`, `attempts exhausted (3)`, `stalled too often (2)`. */
  reason: z.string(),
  /** The last error, `Name: message`. */
  error: z.string(),
  /** Attempts BullMQ counted (failed ones): an unrecoverable failure counts 1 whatever `attempts` was. */
  attemptsMade: z.number().int().nonnegative(),
  /** Times a worker started the job, including starts cut short by a crash. */
  attemptsStarted: z.number().int().nonnegative().default(0),
  /** Errors of the earlier attempts, oldest first (BullMQ's stack traces). */
  history: z.array(z.string()),
  /** The job's data as it was in Redis (for unreadable data: the raw text). */
  payload: z.unknown(),
  /** Set when `payload` was cut to DEAD_LETTER_PAYLOAD_MAX_BYTES. */
  payloadTruncated: z.boolean().default(false),
  failedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
export type DeadLetterWire = z.input<typeof DeadLetter>;

/**
 * The dead-letter job id for a run: the run id itself. A job written into
 * Redis by hand may have an id BullMQ refuses as a custom id (an integer, a
 * colon), so such ids are made safe with a `raw-` prefix.
 */
export function deadLetterJobId(runId: string): string {
  if (isUuid(runId)) return runId;
  return `raw-${runId.replace(/:/g, '_')}`.slice(0, 256);
}
