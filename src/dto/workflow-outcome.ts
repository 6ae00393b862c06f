/**
 * What a worker sends back to the control plane for every attempt it ends:
 * a completed result, or a failure (final or to be retried). Outcomes travel
 * on the results queue inside the same `{ schema, v, data }` envelope as the
 * payload — many per results job (`WorkflowOutcomeBatch`: a worker batches
 * the outcomes of its concurrent jobs), or one (`WorkflowOutcome`, what
 * workers before batching sent; still read) — and are validated again by the
 * recorder before anything is written.
 */
import { z } from 'zod';
import { IsoDate, JsonValue } from './json-value.js';

const attemptFields = {
  runId: z.uuid(),
  /** The subject's id when it is a uuid (the built-in task's id): what workers before contracts sent. */
  taskId: z.uuid().nullable(),
  /** The run's subject id, when the payload's contract names it (`subjectOf`). Absent from older workers. */
  subjectId: z.string().min(1).max(256).optional(),
  workflow: z.string().nullable(),
  /** 1-based number of the attempt that ended. */
  attempt: z.number().int().positive(),
  startedAt: IsoDate,
  finishedAt: IsoDate,
};

/** A finished workflow: its output is plain JSON. */
export const WorkflowResult = z.strictObject({
  kind: z.literal('completed'),
  ...attemptFields,
  workflow: z.string(),
  output: JsonValue,
});
export type WorkflowResult = z.infer<typeof WorkflowResult>;

/** Why a run is dead, as data: what the control plane reads back (metric labels), never parsed from text. */
export const DEAD_CAUSES = ['attempts_exhausted', 'invalid_payload', 'stalled_too_often', 'unrecoverable_error', 'unstorable_result'] as const;
export type DeadCauseCode = (typeof DEAD_CAUSES)[number];

export const DeadCause = z.strictObject({
  code: z.enum(DEAD_CAUSES),
  /** Failed attempts counted when the run died. */
  attempts: z.number().int().nonnegative(),
  /** The job's stalled counter when the run died. */
  stalls: z.number().int().nonnegative(),
});
export type DeadCause = z.infer<typeof DeadCause>;

/** The cause in a few words, for people (the run's `error`, the dead letter's `reason`): `attempts exhausted (3)`. */
export function describeDeadCause(cause: DeadCause): string {
  switch (cause.code) {
    case 'attempts_exhausted':
      return `attempts exhausted (${cause.attempts})`;
    case 'stalled_too_often':
      return `stalled too often (${cause.stalls})`;
    case 'invalid_payload':
      return 'invalid payload';
    case 'unrecoverable_error':
      return 'unrecoverable error';
    case 'unstorable_result':
      return 'unstorable result';
  }
}

/** An attempt that threw. `final` means no attempt follows: the run is dead. */
export const WorkflowFailure = z.strictObject({
  kind: z.literal('failed'),
  ...attemptFields,
  error: z.string(),
  final: z.boolean(),
  /** Why the run is dead when `final`, in words (`describeDeadCause(deadCause)`). */
  deadReason: z.string().nullable(),
  /** Why the run is dead when `final`, as data. Absent from workers older than this field. */
  deadCause: DeadCause.nullable().optional(),
  /** The thrown error's class name (`TimeoutError`), or its catalogue `code` for a NyxError. Absent from older workers. */
  errorName: z.string().max(64).optional(),
});
export type WorkflowFailure = z.infer<typeof WorkflowFailure>;

export const WorkflowOutcome = z.discriminatedUnion('kind', [WorkflowResult, WorkflowFailure]);
export type WorkflowOutcome = z.infer<typeof WorkflowOutcome>;
export type WorkflowOutcomeWire = z.input<typeof WorkflowOutcome>;

export const WORKFLOW_OUTCOME_SCHEMA = 'WorkflowOutcome';
export const WORKFLOW_OUTCOME_VERSION = 1;

export const WORKFLOW_OUTCOME_BATCH_SCHEMA = 'WorkflowOutcomeBatch';
export const WORKFLOW_OUTCOME_BATCH_VERSION = 1;

/** One outcome in its own envelope (the format before batching; tests and tools still write it). */
export function wrapWorkflowOutcome(outcome: WorkflowOutcome) {
  return { schema: WORKFLOW_OUTCOME_SCHEMA, v: WORKFLOW_OUTCOME_VERSION, data: z.encode(WorkflowOutcome, outcome) };
}

/** Outcomes already in wire form (validated by their sender), in one envelope. */
export function wrapWorkflowOutcomeBatch(outcomes: readonly WorkflowOutcomeWire[]) {
  return { schema: WORKFLOW_OUTCOME_BATCH_SCHEMA, v: WORKFLOW_OUTCOME_BATCH_VERSION, data: outcomes };
}

// Built once: zod compiles a schema on first use, and building one per call
// cost the recorder ~50 µs per result (measured in bench/RESULTS.md).
const SingleEnvelope = z.strictObject({ schema: z.literal(WORKFLOW_OUTCOME_SCHEMA), v: z.literal(WORKFLOW_OUTCOME_VERSION), data: z.unknown() });
const BatchEnvelope = z.strictObject({
  schema: z.literal(WORKFLOW_OUTCOME_BATCH_SCHEMA),
  v: z.literal(WORKFLOW_OUTCOME_BATCH_VERSION),
  data: z.array(z.unknown()).min(1),
});
const ResultMessage = z.discriminatedUnion('schema', [SingleEnvelope, BatchEnvelope]);

export function openWorkflowOutcome(raw: unknown): WorkflowOutcome {
  return WorkflowOutcome.parse(SingleEnvelope.parse(raw).data);
}

export interface OpenedResultMessage {
  outcomes: WorkflowOutcome[];
  /** Entries that failed validation, by position; the valid ones are still usable. */
  invalid: { index: number; reason: string }[];
}

/**
 * Opens a results job's data, single or batch. Throws (a ZodError) only when
 * the envelope itself is unreadable; one bad outcome in a batch does not cost
 * the others.
 */
export function openResultMessage(raw: unknown): OpenedResultMessage {
  const envelope = ResultMessage.parse(raw);
  if (envelope.schema === WORKFLOW_OUTCOME_SCHEMA) return { outcomes: [WorkflowOutcome.parse(envelope.data)], invalid: [] };
  const opened: OpenedResultMessage = { outcomes: [], invalid: [] };
  envelope.data.forEach((entry, index) => {
    const parsed = WorkflowOutcome.safeParse(entry);
    if (parsed.success) opened.outcomes.push(parsed.data);
    else opened.invalid.push({ index, reason: z.prettifyError(parsed.error) });
  });
  return opened;
}
