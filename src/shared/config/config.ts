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

/**
 * Every default of every setting, in one object: the schemas below apply
 * them, and nothing else restates them (components take the resolved values).
 */
export const CONFIG_DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'nyx',
  workerConcurrency: 50,
  jobAttempts: 3,
  backoffMs: 1000,
  shutdownTimeoutMs: 10_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  queueRouting: 'single',
  logLevel: 'info',
  dataDir: 'memory',
  relayBatch: 500,
  relayPollMs: 1000,
  relaySendTimeoutMs: 5000,
  recorderBatch: 500,
  outboxRetentionMs: 86_400_000,
  maxPayloadBytes: 65_536,
  port: 3000,
  host: '127.0.0.1',
  readOnly: false,
  dashboardRedact: [] as string[],
  dashboardTruncate: 2_000,
  httpBodyLimit: 1_048_576,
  httpMaxDepth: 32,
  abortGraceMs: 2_000,
  stopPollMs: 500,
  workerMaxZombies: 20,
  maxResultBytes: 1_048_576,
  maxResultsJobBytes: 8_388_608,
  schedulerTickMs: 1_000,
  scheduleMisfireMs: 60_000,
  reconcileIntervalMs: 30_000,
  reconcileGraceMs: 30_000,
  reconcileBatch: 1_000,
  reconcileMarkerCheckMs: 1_000,
} as const;

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const RedisUrl = z.string().superRefine((url, ctx) => {
  try {
    parseRedisUrl(url);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^REDIS_URL /, '') });
  }
});

const csv = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .transform(
      (v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean) as z.input<T>[],
    )
    .pipe(z.array(item).min(1));

/** `key=value,key=value` into a record, each value parsed by `value`. */
const keyValues = <T extends z.ZodType>(value: T) =>
  z.string().transform((raw, ctx) => {
    const out: Record<string, z.output<T>> = {};
    for (const pair of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
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

/** Settings a worker process needs, as environment variables (defaults: `CONFIG_DEFAULTS`; every setting is in docs/configuration.md). */
const WorkerEnv = z.object({
  /**
   * Redis for BullMQ: `redis://host:port`, `redis+cluster://h1:p1,h2:p2` or
   * `redis+sentinel://s1:p1,s2:p2/primary`. Unset: the demo starts a private
   * redis-server; other commands use redis://127.0.0.1:6379.
   */
  REDIS_URL: RedisUrl.optional(),
  /** Key prefix of every BullMQ queue; tests use one per file. @defaultValue `nyx` */
  NYX_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, 'letters, digits, _ - : { }')
    .default(CONFIG_DEFAULTS.queuePrefix),
  /** Jobs one worker process runs at once. @defaultValue 50 */
  NYX_WORKER_CONCURRENCY: intFromEnv(1, 10_000).default(CONFIG_DEFAULTS.workerConcurrency),
  /** Attempts per run before it is dead. @defaultValue 3 */
  NYX_JOB_ATTEMPTS: intFromEnv(1, 100).default(CONFIG_DEFAULTS.jobAttempts),
  /** Base of the exponential retry backoff, in ms. @defaultValue 1000 */
  NYX_BACKOFF_MS: intFromEnv(0, 3_600_000).default(CONFIG_DEFAULTS.backoffMs),
  /**
   * How long a workflow stopped by its deadline (`timeoutMs`) or by an
   * operator (cancel, fail) gets to end after `ctx.signal` aborts, in ms;
   * then its attempt is abandoned and its slot given back. @defaultValue 2000
   */
  NYX_ABORT_GRACE_MS: intFromEnv(0, 600_000).default(CONFIG_DEFAULTS.abortGraceMs),
  /**
   * How often a worker reads operator stops (cancel, fail) for the attempts
   * it runs, in ms: a stopped run's `ctx.signal` aborts within about this
   * long. One Redis read per interval, only while jobs run. @defaultValue 500
   */
  NYX_STOP_POLL_MS: intFromEnv(50, 60_000).default(CONFIG_DEFAULTS.stopPollMs),
  /**
   * Abandoned attempts (workflows that ignored `ctx.signal`) after which a
   * worker stops taking jobs and exits with code 75 once idle, to be
   * restarted by its supervisor; 0: never. @defaultValue 20
   */
  NYX_WORKER_MAX_ZOMBIES: intFromEnv(0, 10_000).default(CONFIG_DEFAULTS.workerMaxZombies),
  /** How long a stopping worker lets running jobs finish, in ms. @defaultValue 10000 */
  NYX_SHUTDOWN_TIMEOUT_MS: intFromEnv(0, 3_600_000).default(CONFIG_DEFAULTS.shutdownTimeoutMs),
  /**
   * How long a job's lock lasts without renewal, in ms: a process that dies
   * holding jobs (worker or recorder) gives them up after about this long.
   * @defaultValue 30000
   */
  NYX_LOCK_DURATION_MS: intFromEnv(1_000, 600_000).default(CONFIG_DEFAULTS.lockDurationMs),
  /** How often BullMQ looks for jobs whose lock expired (stalled), in ms. @defaultValue 30000 */
  NYX_STALLED_INTERVAL_MS: intFromEnv(500, 600_000).default(CONFIG_DEFAULTS.stalledIntervalMs),
  /**
   * Times a job may come back from stalled-job recovery (its worker died or
   * blocked) and still run; past that its run is dead, reason `stalled too
   * often` — a job that keeps killing workers is not run forever. @defaultValue 2
   */
  NYX_MAX_STALLED_COUNT: intFromEnv(0, 100).default(CONFIG_DEFAULTS.maxStalledCount),
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
   * route key (a motivation type, or `<contract>.<route>` for another
   * contract), so workers can take a subset (see queue-naming.ts).
   * Control plane and workers must agree. @defaultValue single
   */
  NYX_QUEUE_ROUTING: z.enum(['single', 'motivation']).default(CONFIG_DEFAULTS.queueRouting),
  /** Route keys this worker takes, comma-separated: motivation types, or `<contract>.<route>` (needs routing `motivation`). @defaultValue all registered */
  NYX_WORKER_MOTIVATIONS: csv(z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'route keys like curiosity,mastery,invoice.reminder')).optional(),
  /** Concurrency per queue key (`workflows`, or a motivation type): `curiosity=10,mastery=2`. @defaultValue NYX_WORKER_CONCURRENCY */
  NYX_QUEUE_CONCURRENCY: keyValues(z.coerce.number().int().min(1).max(10_000)).optional(),
  /** Rate limit per queue key, jobs per window in ms: `curiosity=100/1000`. @defaultValue none */
  NYX_QUEUE_RATE_LIMIT: keyValues(
    z
      .string()
      .regex(/^\d+\/\d+$/, 'max/durationMs, e.g. 100/1000')
      .transform((v) => {
        const [max, duration] = v.split('/').map(Number);
        return { max: max!, duration: duration! };
      }),
  ).optional(),
  /**
   * Largest outcome (one run's result, as JSON), in bytes. A worker fails a
   * run whose result is bigger (dead, reason `unstorable result`); the
   * recorder refuses a bigger one into the quarantine. @defaultValue 1048576 (1 MiB)
   */
  NYX_MAX_RESULT_BYTES: intFromEnv(1_024, 256 * 1_048_576).default(CONFIG_DEFAULTS.maxResultBytes),
  /**
   * Largest results job (a worker's batch of outcomes, as JSON), in bytes.
   * Workers split bigger batches; the recorder refuses a bigger job into the
   * quarantine. Raised to NYX_MAX_RESULT_BYTES if lower. @defaultValue 8388608 (8 MiB)
   */
  NYX_MAX_RESULTS_JOB_BYTES: intFromEnv(1_024, 512 * 1_048_576).default(CONFIG_DEFAULTS.maxResultsJobBytes),
  /** pino level. @defaultValue info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(CONFIG_DEFAULTS.logLevel),
});

/** Settings of the control plane (producer, relay, recorder, API). */
const ControlPlaneEnv = WorkerEnv.extend({
  /** PostgreSQL. Unset: embedded PGlite under NYX_DATA_DIR (the demo's default). */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL, e.g. postgresql://postgres@127.0.0.1:5432/nyx')
    .optional(),
  /** Where PGlite keeps its files when DATABASE_URL is unset; `memory` keeps nothing. @defaultValue memory */
  NYX_DATA_DIR: z.string().min(1).default(CONFIG_DEFAULTS.dataDir),
  /** Outbox rows the relay moves to Redis per batch. @defaultValue 500 */
  NYX_RELAY_BATCH: intFromEnv(1, 10_000).default(CONFIG_DEFAULTS.relayBatch),
  /** Fallback poll of the relay when no NOTIFY arrives, in ms. @defaultValue 1000 */
  NYX_RELAY_POLL_MS: intFromEnv(10, 600_000).default(CONFIG_DEFAULTS.relayPollMs),
  /** Longest wait for one addBulk before the relay rolls the batch back and retries, in ms. @defaultValue 5000 */
  NYX_RELAY_SEND_TIMEOUT_MS: intFromEnv(50, 600_000).default(CONFIG_DEFAULTS.relaySendTimeoutMs),
  /** How often the control plane looks for due schedule slots, in ms (a slot fires up to this late). @defaultValue 1000 */
  NYX_SCHEDULER_TICK_MS: intFromEnv(50, 600_000).default(CONFIG_DEFAULTS.schedulerTickMs),
  /**
   * How late a schedule slot may be and still fire, in ms. Slots later than
   * that (missed while no control plane ran) are skipped, except the most
   * recent one when no slot is due inside this window (docs/run-control.md).
   * @defaultValue 60000
   */
  NYX_SCHEDULE_MISFIRE_MS: intFromEnv(0, 30 * 86_400_000).default(CONFIG_DEFAULTS.scheduleMisfireMs),
  /** Results the recorder writes in one statement. @defaultValue 500 */
  NYX_RECORDER_BATCH: intFromEnv(1, 10_000).default(CONFIG_DEFAULTS.recorderBatch),
  /** The payload of a dead, failed or cancelled run is pruned this long after its dispatch, in ms (the run row stays). @defaultValue 86400000 (1 day) */
  NYX_OUTBOX_RETENTION_MS: intFromEnv(0, 365 * 86_400_000).default(CONFIG_DEFAULTS.outboxRetentionMs),
  /** Time between two passes of the reconciler (runs whose job Redis lost are sent again), in ms. @defaultValue 30000 */
  NYX_RECONCILE_INTERVAL_MS: intFromEnv(100, 86_400_000).default(CONFIG_DEFAULTS.reconcileIntervalMs),
  /**
   * The reconciler leaves alone runs sent less than this long ago, in ms:
   * longer than a result takes from a worker to the recorder. After a
   * detected Redis data loss the first pass has no grace. @defaultValue 30000
   */
  NYX_RECONCILE_GRACE_MS: intFromEnv(0, 86_400_000).default(CONFIG_DEFAULTS.reconcileGraceMs),
  /** Runs the reconciler checks per batch (one SELECT, one pipelined EXISTS). @defaultValue 1000 */
  NYX_RECONCILE_BATCH: intFromEnv(1, 100_000).default(CONFIG_DEFAULTS.reconcileBatch),
  /** How often the reconciler reads its marker key to notice that Redis lost its data, in ms. @defaultValue 1000 */
  NYX_RECONCILE_MARKER_CHECK_MS: intFromEnv(50, 600_000).default(CONFIG_DEFAULTS.reconcileMarkerCheckMs),
  /** Largest serialized payload the producer accepts, in bytes. @defaultValue 65536 */
  NYX_MAX_PAYLOAD_BYTES: intFromEnv(256, 10_000_000).default(CONFIG_DEFAULTS.maxPayloadBytes),
  /** HTTP port of `nyx start` (API, dashboard, health, metrics); 0 picks a free one. @defaultValue 3000 */
  PORT: intFromEnv(0, 65_535).default(CONFIG_DEFAULTS.port),
  /**
   * Address `nyx start` listens on. Anything but 127.0.0.1, localhost or ::1
   * needs NYX_ADMIN_TOKEN (the service refuses to start otherwise).
   * @defaultValue 127.0.0.1
   */
  HOST: z.string().min(1).default(CONFIG_DEFAULTS.host),
  /**
   * Bearer token for the dashboard and the API (`Authorization: Bearer <token>`;
   * the dashboard also takes it as the basic-auth password). Unset: no
   * authentication, and the service binds only to loopback. @defaultValue unset
   */
  NYX_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Dashboard and API refuse every change (pause, retry, edit, spawn…): 405. @defaultValue false */
  NYX_READ_ONLY: z.stringbool().default(CONFIG_DEFAULTS.readOnly),
  /**
   * Job data fields the dashboard shows as "[redacted]", comma-separated dot
   * paths into the job data (`data.metadata.apiKey,data.generatedPrompt`); `*`
   * matches any key. Applied to dead letters' `payload` too. @defaultValue none
   */
  NYX_DASHBOARD_REDACT: csv(z.string().regex(/^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*$/, 'dot paths like data.metadata.apiKey')).default(
    CONFIG_DEFAULTS.dashboardRedact,
  ),
  /** Strings longer than this are cut in the dashboard, in characters. @defaultValue 2000 */
  NYX_DASHBOARD_TRUNCATE: intFromEnv(16, 10_000_000).default(CONFIG_DEFAULTS.dashboardTruncate),
  /** Largest HTTP request body, in bytes (larger: 413). @defaultValue 1048576 (1 MiB) */
  NYX_HTTP_BODY_LIMIT: intFromEnv(1_024, 100_000_000).default(CONFIG_DEFAULTS.httpBodyLimit),
  /**
   * Deepest nesting of a JSON request body (the body itself is level 1;
   * deeper: 400), checked on the raw text before it is parsed. `metadata`
   * has its own, smaller limits (src/dto/input-limits.ts). @defaultValue 32
   */
  NYX_HTTP_MAX_DEPTH: intFromEnv(2, 1_000).default(CONFIG_DEFAULTS.httpMaxDepth),
});

type WorkerEnv = z.infer<typeof WorkerEnv>;
type ControlPlaneEnv = z.infer<typeof ControlPlaneEnv>;

/** The environment variable behind each option of a worker (camelCase option → variable). */
export const WORKER_ENV_NAMES = {
  redisUrl: 'REDIS_URL',
  queuePrefix: 'NYX_QUEUE_PREFIX',
  workerConcurrency: 'NYX_WORKER_CONCURRENCY',
  jobAttempts: 'NYX_JOB_ATTEMPTS',
  backoffMs: 'NYX_BACKOFF_MS',
  shutdownTimeoutMs: 'NYX_SHUTDOWN_TIMEOUT_MS',
  lockDurationMs: 'NYX_LOCK_DURATION_MS',
  stalledIntervalMs: 'NYX_STALLED_INTERVAL_MS',
  maxStalledCount: 'NYX_MAX_STALLED_COUNT',
  workflowModules: 'NYX_WORKFLOW_MODULES',
  queueRouting: 'NYX_QUEUE_ROUTING',
  workerMotivations: 'NYX_WORKER_MOTIVATIONS',
  queueConcurrency: 'NYX_QUEUE_CONCURRENCY',
  queueRateLimit: 'NYX_QUEUE_RATE_LIMIT',
  logLevel: 'LOG_LEVEL',
  abortGraceMs: 'NYX_ABORT_GRACE_MS',
  stopPollMs: 'NYX_STOP_POLL_MS',
  workerMaxZombies: 'NYX_WORKER_MAX_ZOMBIES',
  maxResultBytes: 'NYX_MAX_RESULT_BYTES',
  maxResultsJobBytes: 'NYX_MAX_RESULTS_JOB_BYTES',
} as const satisfies Record<string, keyof WorkerEnv>;

/** The environment variable behind each option of the control plane. */
export const CONTROL_PLANE_ENV_NAMES = {
  ...WORKER_ENV_NAMES,
  databaseUrl: 'DATABASE_URL',
  dataDir: 'NYX_DATA_DIR',
  relayBatch: 'NYX_RELAY_BATCH',
  relayPollMs: 'NYX_RELAY_POLL_MS',
  relaySendTimeoutMs: 'NYX_RELAY_SEND_TIMEOUT_MS',
  recorderBatch: 'NYX_RECORDER_BATCH',
  outboxRetentionMs: 'NYX_OUTBOX_RETENTION_MS',
  maxPayloadBytes: 'NYX_MAX_PAYLOAD_BYTES',
  port: 'PORT',
  host: 'HOST',
  adminToken: 'NYX_ADMIN_TOKEN',
  readOnly: 'NYX_READ_ONLY',
  dashboardRedact: 'NYX_DASHBOARD_REDACT',
  dashboardTruncate: 'NYX_DASHBOARD_TRUNCATE',
  httpBodyLimit: 'NYX_HTTP_BODY_LIMIT',
  httpMaxDepth: 'NYX_HTTP_MAX_DEPTH',
  schedulerTickMs: 'NYX_SCHEDULER_TICK_MS',
  scheduleMisfireMs: 'NYX_SCHEDULE_MISFIRE_MS',
  reconcileIntervalMs: 'NYX_RECONCILE_INTERVAL_MS',
  reconcileGraceMs: 'NYX_RECONCILE_GRACE_MS',
  reconcileBatch: 'NYX_RECONCILE_BATCH',
  reconcileMarkerCheckMs: 'NYX_RECONCILE_MARKER_CHECK_MS',
} as const satisfies Record<string, keyof ControlPlaneEnv>;

type Renamed<Env, Names extends Record<string, keyof Env>> = { readonly [K in keyof Names]: Env[Names[K]] };

interface RedisSetting {
  /** REDIS_URL, or `CONFIG_DEFAULTS.redisUrl` when unset. */
  readonly redisUrl: string;
  /** Whether REDIS_URL was set (the demo starts a private redis-server when it was not and nothing answers). */
  readonly redisUrlSet: boolean;
}

/**
 * A worker's settings, resolved from the environment once: camelCase,
 * every default filled in. Each field's JSDoc (units, default) is on its
 * variable in the schema above; `WORKER_ENV_NAMES` names the variable.
 */
export type WorkerConfig = Omit<Renamed<WorkerEnv, typeof WORKER_ENV_NAMES>, 'redisUrl'> & RedisSetting;
/** The control plane's settings (producer, relay, recorder, API), resolved once; see `CONTROL_PLANE_ENV_NAMES`. */
export type Config = Omit<Renamed<ControlPlaneEnv, typeof CONTROL_PLANE_ENV_NAMES>, 'redisUrl'> & RedisSetting;

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty strings count as unset, the way shells and compose files write them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) throw ConfigError.fromZod(result.error);
  return result.data;
}

function rename<Env extends { REDIS_URL?: string | undefined }, Names extends Record<string, keyof Env>>(
  env: Env,
  names: Names,
): Omit<Renamed<Env, Names>, 'redisUrl'> & RedisSetting {
  const out = Object.fromEntries(Object.entries(names).map(([option, variable]) => [option, env[variable]]));
  return { ...out, redisUrl: env.REDIS_URL ?? CONFIG_DEFAULTS.redisUrl, redisUrlSet: env.REDIS_URL !== undefined } as never;
}

/** A worker's settings from the environment (needs no database settings). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return rename(parse(WorkerEnv, env), WORKER_ENV_NAMES);
}

/** The control plane's settings from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return rename(parse(ControlPlaneEnv, env), CONTROL_PLANE_ENV_NAMES);
}

/**
 * The schemas themselves, for checks that must follow every setting (the
 * table in docs/configuration.md is tested against them). Read them; parse
 * the environment with `loadConfig` / `loadWorkerConfig`.
 */
export const workerConfigSchema = WorkerEnv;
export const configSchema = ControlPlaneEnv;
