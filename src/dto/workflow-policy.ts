/**
 * A workflow's run policy: its deadline, how many attempts a run gets and the
 * backoff between them. Declared on the workflow (`defineWorkflow`), so both
 * sides read it from the same definition: the producer writes attempts and
 * backoff into each run's outbox row (they become the BullMQ job's options,
 * fixed for the run's life), and the worker enforces the deadline. Fields left
 * out fall back to the service's config (NYX_JOB_ATTEMPTS, NYX_BACKOFF_MS;
 * no deadline).
 */
import { z } from 'zod';

export const WorkflowBackoff = z.strictObject({
  /** `exponential`: delayMs, 2×, 4×… between attempts; `fixed`: delayMs each time. */
  type: z.enum(['exponential', 'fixed']),
  /** In ms. */
  delayMs: z.number().int().min(0).max(86_400_000),
});
export type WorkflowBackoff = z.infer<typeof WorkflowBackoff>;

export const WorkflowPolicy = z.strictObject({
  /** Deadline of one attempt, in ms: `ctx.signal` aborts then, and the attempt fails as timed out after the grace period. */
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400_000)
    .optional(),
  /** Attempts per run before it is dead (overrides NYX_JOB_ATTEMPTS). */
  attempts: z.number().int().min(1).max(100).optional(),
  /** Backoff between attempts (overrides NYX_BACKOFF_MS, exponential). */
  backoff: WorkflowBackoff.optional(),
});
export type WorkflowPolicy = z.infer<typeof WorkflowPolicy>;

/** What the outbox row keeps of a policy: the BullMQ job options it overrides. */
export const RunJobPolicy = WorkflowPolicy.pick({ attempts: true, backoff: true });
export type RunJobPolicy = z.infer<typeof RunJobPolicy>;

/** The part of a workflow's policy its runs' jobs carry (null: the relay's defaults). */
export function runJobPolicyOf(policy: WorkflowPolicy): RunJobPolicy | null {
  if (policy.attempts === undefined && policy.backoff === undefined) return null;
  return { ...(policy.attempts !== undefined ? { attempts: policy.attempts } : {}), ...(policy.backoff ? { backoff: policy.backoff } : {}) };
}
