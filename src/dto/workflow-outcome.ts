/**
 * What a worker sends back to the control plane for every attempt it ends:
 * a completed result, or a failure (final or to be retried). It travels on the
 * results queue inside the same `{ schema, v, data }` envelope as the payload
 * and is validated again by the recorder before anything is written.
 */
import { z } from 'zod';
import { IsoDate, JsonValue } from './json-value.js';

const attemptFields = {
  runId: z.uuid(),
  taskId: z.uuid().nullable(),
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

/** An attempt that threw. `final` means no attempt follows: the run is dead. */
export const WorkflowFailure = z.strictObject({
  kind: z.literal('failed'),
  ...attemptFields,
  error: z.string(),
  final: z.boolean(),
  /** Why the run is dead when `final`: exhausted attempts, unrecoverable error, invalid payload. */
  deadReason: z.string().nullable(),
});
export type WorkflowFailure = z.infer<typeof WorkflowFailure>;

export const WorkflowOutcome = z.discriminatedUnion('kind', [WorkflowResult, WorkflowFailure]);
export type WorkflowOutcome = z.infer<typeof WorkflowOutcome>;
export type WorkflowOutcomeWire = z.input<typeof WorkflowOutcome>;

export const WORKFLOW_OUTCOME_SCHEMA = 'WorkflowOutcome';
export const WORKFLOW_OUTCOME_VERSION = 1;

export function wrapWorkflowOutcome(outcome: WorkflowOutcome) {
  return { schema: WORKFLOW_OUTCOME_SCHEMA, v: WORKFLOW_OUTCOME_VERSION, data: z.encode(WorkflowOutcome, outcome) };
}

// Built once: zod compiles a schema on first use, and building one per call
// cost the recorder ~50 µs per result (measured in bench/RESULTS.md).
const OutcomeEnvelope = z.strictObject({ schema: z.literal(WORKFLOW_OUTCOME_SCHEMA), v: z.literal(WORKFLOW_OUTCOME_VERSION), data: z.unknown() });

export function openWorkflowOutcome(raw: unknown): WorkflowOutcome {
  const envelope = OutcomeEnvelope.parse(raw);
  return WorkflowOutcome.parse(envelope.data);
}
