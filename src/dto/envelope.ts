/**
 * Every payload travels as `{ schema, v, data }`. The worker checks the schema
 * name, upcasts older versions it knows, and rejects the rest as
 * unrecoverable — a version it cannot read will not become readable on retry.
 * The generic form is `openEnvelope` (contract.ts); these are the built-in
 * contract's (`taskSpawnContract`) shorthands.
 */
import { openEnvelope, wrapEnvelope } from './contract.js';
import { TASK_SPAWN_CONTEXT_SCHEMA, taskSpawnContract, TaskSpawnContext, type TaskSpawnContextWire } from './task-spawn-context.js';

export { Envelope } from './envelope-shape.js';

export type TaskSpawnEnvelope = { schema: typeof TASK_SPAWN_CONTEXT_SCHEMA; v: number; data: TaskSpawnContextWire };

export const SUPPORTED_VERSIONS: readonly number[] = taskSpawnContract.supportedVersions;

/** Wraps validated context data into the current envelope (dates become ISO strings). */
export function wrapTaskSpawnContext(context: TaskSpawnContext): TaskSpawnEnvelope {
  return wrapEnvelope(taskSpawnContract, context) as TaskSpawnEnvelope;
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
  const opened = openEnvelope(taskSpawnContract, raw);
  if (!opened.ok) return opened;
  return { ok: true, context: opened.data, wire: opened.wire, version: opened.version };
}
