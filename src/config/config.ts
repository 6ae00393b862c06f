/**
 * The one place that reads `process.env`. Every value is parsed by one zod
 * schema at start-up; a bad value stops the process with a message that names
 * the variable and what was expected (see `ConfigError`).
 *
 * Two halves: `loadWorkerConfig` needs only Redis (workers may run on hosts
 * with no database credentials), `loadConfig` adds the control plane's
 * database settings.
 */
import { z } from 'zod';
import { parseRedisUrl } from '../redis/redis-topology.js';
import { ConfigError } from './config-error.js';

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const RedisUrl = z.string().superRefine((url, ctx) => {
  try {
    parseRedisUrl(url);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^REDIS_URL /, '') });
  }
});

const csv = <T extends z.ZodType>(item: T) =>
  z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean) as z.input<T>[]).pipe(z.array(item).min(1));

/** `key=value,key=value` into a record, each value parsed by `value`. */
const keyValues = <T extends z.ZodType>(value: T) =>
  z.string().transform((raw, ctx) => {
    const out: Record<string, z.output<T>> = {};
    for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [key, val, ...rest] = pair.split('=');
      if (!key?.trim() || val === undefined || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not key=value` });
        return z.NEVER;
      }
      const parsed = value.safeParse(val.trim());
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `${key.trim()}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
        return z.NEVER;
      }
      out[key.trim()] = parsed.data;
    }
    return out;
  });

/** Settings a worker process needs. Defaults are listed in the README. */
const WorkerEnv = z.object({
  /**
   * Redis for BullMQ: `redis://host:port`, `redis+cluster://h1:p1,h2:p2` or
   * `redis+sentinel://s1:p1,s2:p2/primary`. Unset: the demo starts a private
   * redis-server; other commands use redis://127.0.0.1:6379.
   */
  REDIS_URL: RedisUrl.optional(),
  /** Key prefix of every BullMQ queue; tests use one per file. @defaultValue `nyx` */
  NYX_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_{}:-]+$/, 'letters, digits, _ - : { }').default('nyx'),
  /** Jobs one worker process runs at once. @defaultValue 50 */
  NYX_WORKER_CONCURRENCY: intFromEnv(1, 10_000).default(50),
  /** Attempts per run before it is dead. @defaultValue 3 */
  NYX_JOB_ATTEMPTS: intFromEnv(1, 100).default(3),
  /** Base of the exponential retry backoff, in ms. @defaultValue 1000 */
  NYX_BACKOFF_MS: intFromEnv(0, 3_600_000).default(1000),
  /** How long a stopping worker lets running jobs finish, in ms. @defaultValue 10000 */
  NYX_SHUTDOWN_TIMEOUT_MS: intFromEnv(0, 3_600_000).default(10_000),
  /**
   * How long a job's lock lasts without renewal, in ms: a process that dies
   * holding jobs (worker or recorder) gives them up after about this long.
   * @defaultValue 30000
   */
  NYX_LOCK_DURATION_MS: intFromEnv(1_000, 600_000).default(30_000),
  /** How often BullMQ looks for jobs whose lock expired (stalled), in ms. @defaultValue 30000 */
  NYX_STALLED_INTERVAL_MS: intFromEnv(500, 600_000).default(30_000),
  /**
   * Times a job may come back from stalled-job recovery (its worker died or
   * blocked) and still run; past that its run is dead, reason `stalled too
   * often` — a job that keeps killing workers is not run forever. @defaultValue 2
   */
  NYX_MAX_STALLED_COUNT: intFromEnv(0, 100).default(2),
  /**
   * Extra workflow modules a worker loads, comma-separated paths (absolute,
   * or relative to the working directory). Each module exports workflows made
   * with `defineWorkflow` (named or default exports, or arrays of them); they
   * run beside the built-in ones and are subject to the same import guard.
   * @defaultValue none
   */
  NYX_WORKFLOW_MODULES: csv(z.string().min(1)).optional(),
  /**
   * `single`: all workflow jobs in one queue. `motivation`: one queue per
   * motivation type, so workers can take a subset (see queue-naming.ts).
   * Control plane and workers must agree. @defaultValue single
   */
  NYX_QUEUE_ROUTING: z.enum(['single', 'motivation']).default('single'),
  /** Motivation types this worker takes, comma-separated (needs routing `motivation`). @defaultValue all registered */
  NYX_WORKER_MOTIVATIONS: csv(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'motivation types like curiosity,mastery')).optional(),
  /** Concurrency per queue key (`workflows`, or a motivation type): `curiosity=10,mastery=2`. @defaultValue NYX_WORKER_CONCURRENCY */
  NYX_QUEUE_CONCURRENCY: keyValues(z.coerce.number().int().min(1).max(10_000)).optional(),
  /** Rate limit per queue key, jobs per window in ms: `curiosity=100/1000`. @defaultValue none */
  NYX_QUEUE_RATE_LIMIT: keyValues(
    z.string().regex(/^\d+\/\d+$/, 'max/durationMs, e.g. 100/1000').transform((v) => {
      const [max, duration] = v.split('/').map(Number);
      return { max: max!, duration: duration! };
    }),
  ).optional(),
  /** pino level. @defaultValue info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Settings of the control plane (producer, relay, recorder, API). */
const ControlPlaneEnv = WorkerEnv.extend({
  /** PostgreSQL. Unset: embedded PGlite under NYX_DATA_DIR (the demo's default). */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL, e.g. postgresql://postgres@127.0.0.1:5432/nyx')
    .optional(),
  /** Where PGlite keeps its files when DATABASE_URL is unset; `memory` keeps nothing. @defaultValue memory */
  NYX_DATA_DIR: z.string().min(1).default('memory'),
  /** Outbox rows the relay moves to Redis per batch. @defaultValue 500 */
  NYX_RELAY_BATCH: intFromEnv(1, 10_000).default(500),
  /** Fallback poll of the relay when no NOTIFY arrives, in ms. @defaultValue 1000 */
  NYX_RELAY_POLL_MS: intFromEnv(10, 600_000).default(1000),
  /** Longest wait for one addBulk before the relay rolls the batch back and retries, in ms. @defaultValue 5000 */
  NYX_RELAY_SEND_TIMEOUT_MS: intFromEnv(50, 600_000).default(5000),
  /** Results the recorder writes in one statement. @defaultValue 500 */
  NYX_RECORDER_BATCH: intFromEnv(1, 10_000).default(500),
  /** Dispatched outbox rows older than this are pruned, in ms. @defaultValue 86400000 (1 day) */
  NYX_OUTBOX_RETENTION_MS: intFromEnv(0, 365 * 86_400_000).default(86_400_000),
  /** Largest serialized payload the producer accepts, in bytes. @defaultValue 65536 */
  NYX_MAX_PAYLOAD_BYTES: intFromEnv(256, 10_000_000).default(65_536),
  /** HTTP port of `nyx start` (API, dashboard, health, metrics); 0 picks a free one. @defaultValue 3000 */
  PORT: intFromEnv(0, 65_535).default(3000),
  /**
   * Address `nyx start` listens on. Anything but 127.0.0.1, localhost or ::1
   * needs NYX_ADMIN_TOKEN (the service refuses to start otherwise).
   * @defaultValue 127.0.0.1
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Bearer token for the dashboard and the API (`Authorization: Bearer <token>`;
   * the dashboard also takes it as the basic-auth password). Unset: no
   * authentication, and the service binds only to loopback. @defaultValue unset
   */
  NYX_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Dashboard and API refuse every change (pause, retry, edit, spawn…): 405. @defaultValue false */
  NYX_READ_ONLY: z.stringbool().default(false),
  /**
   * Job data fields the dashboard shows as "[redacted]", comma-separated dot
   * paths into the job data (`data.metadata.apiKey,data.generatedPrompt`); `*`
   * matches any key. Applied to dead letters' `payload` too. @defaultValue none
   */
  NYX_DASHBOARD_REDACT: csv(z.string().regex(/^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*$/, 'dot paths like data.metadata.apiKey')).default([]),
  /** Strings longer than this are cut in the dashboard, in characters. @defaultValue 2000 */
  NYX_DASHBOARD_TRUNCATE: intFromEnv(16, 10_000_000).default(2_000),
  /** Largest HTTP request body, in bytes (larger: 413). @defaultValue 1048576 (1 MiB) */
  NYX_HTTP_BODY_LIMIT: intFromEnv(1_024, 100_000_000).default(1_048_576),
  /**
   * Deepest nesting of a JSON request body (the body itself is level 1;
   * deeper: 400), checked on the raw text before it is parsed. `metadata`
   * has its own, smaller limits (src/dto/input-limits.ts). @defaultValue 32
   */
  NYX_HTTP_MAX_DEPTH: intFromEnv(2, 1_000).default(32),
});

export type WorkerConfig = z.infer<typeof WorkerEnv>;
export type Config = z.infer<typeof ControlPlaneEnv>;

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty strings count as unset, the way shells and compose files write them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) throw ConfigError.fromZod(result.error);
  return result.data;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parse(WorkerEnv, env);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parse(ControlPlaneEnv, env);
}
