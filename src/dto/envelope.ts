/**
 * Every payload travels as `{ schema, v, data }`. The worker checks the schema
 * name, upcasts older versions it knows, and rejects the rest as
 * unrecoverable — a version it cannot read will not become readable on retry.
 */
import { z } from 'zod';
import {
  DEFAULT_INTENSITY_FOR_V1,
  TASK_SPAWN_CONTEXT_SCHEMA,
  TASK_SPAWN_CONTEXT_VERSION,
  TaskSpawnContext,
  TaskSpawnContextV1,
  type TaskSpawnContextWire,
} from './task-spawn-context.js';
import { findHostileShape } from './hostile-shape.js';

export const Envelope = z.strictObject({
  schema: z.string(),
  v: z.number().int().positive(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

export type TaskSpawnEnvelope = { schema: typeof TASK_SPAWN_CONTEXT_SCHEMA; v: number; data: TaskSpawnContextWire };

/** Upcasters from an old version's parsed data to the current one, by version. */
const upcasters: Record<number, (raw: unknown) => TaskSpawnContext> = {
  1: (raw) => ({ ...TaskSpawnContextV1.parse(raw), intensity: DEFAULT_INTENSITY_FOR_V1 }),
  [TASK_SPAWN_CONTEXT_VERSION]: (raw) => TaskSpawnContext.parse(raw),
};

export const SUPPORTED_VERSIONS: readonly number[] = Object.keys(upcasters).map(Number);

/** Wraps validated context data into the current envelope (dates become ISO strings). */
export function wrapTaskSpawnContext(context: TaskSpawnContext): TaskSpawnEnvelope {
  return { schema: TASK_SPAWN_CONTEXT_SCHEMA, v: TASK_SPAWN_CONTEXT_VERSION, data: z.encode(TaskSpawnContext, context) };
}

export type OpenedEnvelope =
  /** `wire`: the same context in wire form (dates as ISO strings), as workflow input schemas read it. */
  { ok: true; context: TaskSpawnContext; wire: TaskSpawnContextWire; version: number } | { ok: false; reason: string };

/**
 * Parses a job's data into the current `TaskSpawnContext`, whatever version it
 * was written in. Never throws: a payload that cannot be read comes back with
 * the reason, which the worker turns into an unrecoverable failure.
 */
export function openTaskSpawnEnvelope(raw: unknown): OpenedEnvelope {
  // Job data is untrusted: refuse pollution keys and absurd nesting before any parser copies it.
  const hostile = findHostileShape(raw);
  if (hostile) return { ok: false, reason: hostile };
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, reason: `not a payload envelope {schema, v, data}: ${z.prettifyError(envelope.error)}` };
  }
  const { schema, v, data } = envelope.data;
  if (schema !== TASK_SPAWN_CONTEXT_SCHEMA) {
    return { ok: false, reason: `unknown payload schema "${schema}" (expected "${TASK_SPAWN_CONTEXT_SCHEMA}")` };
  }
  const upcast = upcasters[v];
  if (!upcast) {
    return { ok: false, reason: `unsupported payload version ${v} (supported: ${SUPPORTED_VERSIONS.join(', ')})` };
  }
  try {
    const context = upcast(data);
    // The current version's data passed the strict schema as it is: it IS the
    // wire form, no need to encode the context back. Older versions are encoded.
    const wire = v === TASK_SPAWN_CONTEXT_VERSION ? (data as TaskSpawnContextWire) : z.encode(TaskSpawnContext, context);
    return { ok: true, context, wire, version: v };
  } catch (error) {
    if (error instanceof z.ZodError) {
      return { ok: false, reason: `invalid ${schema} v${v}: ${z.prettifyError(error)}` };
    }
    return { ok: false, reason: `unreadable ${schema} v${v}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
