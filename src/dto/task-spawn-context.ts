/**
 * The payload a worker receives: everything a spawned workflow may know about
 * its task, copied out of the ORM session into plain, validated data.
 *
 * Versions: v1 is the first wire format; v2 added `intensity` (the
 * motivational state's intensity). A v1 job still waiting in Redis during a
 * deploy is upcast by `upcastTaskSpawnContext` (see envelope.ts) with the
 * documented default, so workers only ever see the current shape.
 */
import { z } from 'zod';
import { defineContract } from './contract.js';
import { IsoDate, JsonValue } from './json-value.js';

/** Limits that keep one payload small enough for Redis and for the dashboard. */
export const PROMPT_MAX_LENGTH = 20_000;

const TaskSpawnContextV1Shape = {
  taskId: z.uuid(),
  generatedPrompt: z.string().min(1).max(PROMPT_MAX_LENGTH),
  motivationType: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a lower-case motivation type like "curiosity"'),
  priority: z.number().int().min(0).max(1_000_000),
  arbitrationScore: z.number().finite(),
  createdAt: IsoDate,
  metadata: z.record(z.string(), JsonValue).optional(),
};

export const TaskSpawnContextV1 = z.strictObject(TaskSpawnContextV1Shape);
export type TaskSpawnContextV1 = z.infer<typeof TaskSpawnContextV1>;

/** Intensity given to v1 payloads, which predate the field. */
export const DEFAULT_INTENSITY_FOR_V1 = 0.5;

export const TaskSpawnContext = z.strictObject({
  ...TaskSpawnContextV1Shape,
  intensity: z.number().min(0).max(1),
});
export type TaskSpawnContext = z.infer<typeof TaskSpawnContext>;
/** The wire form: dates as ISO strings. */
export type TaskSpawnContextWire = z.input<typeof TaskSpawnContext>;

export const TASK_SPAWN_CONTEXT_SCHEMA = 'TaskSpawnContext';
export const TASK_SPAWN_CONTEXT_VERSION = 2;

/**
 * The built-in contract: the NYX pair's payload, routed by `motivationType`.
 * Its route keys are queued under their bare name (`workflows-curiosity`),
 * as before contracts existed.
 */
export const taskSpawnContract = defineContract({
  name: TASK_SPAWN_CONTEXT_SCHEMA,
  version: TASK_SPAWN_CONTEXT_VERSION,
  schema: TaskSpawnContext,
  upcasters: {
    1: (old) => ({ ...z.encode(TaskSpawnContextV1, TaskSpawnContextV1.parse(old)), intensity: DEFAULT_INTENSITY_FOR_V1 }),
  },
  route: (context) => context.motivationType,
  priority: (context) => context.priority,
  subjectOf: (context) => context.taskId,
  routeNamespace: '',
});
