/**
 * The control plane's Prometheus metrics, in a registry of their own (never
 * prom-client's global one, so two services in one process — as in tests —
 * do not collide).
 *
 * Two kinds:
 * - read on scrape: jobs by state per queue, worker count per queue and
 *   outbox lag come from Redis and PostgreSQL when `/metrics` is asked for,
 *   so every control plane reports the same, current values;
 * - counted here: run durations, finished runs, failures and dead letters are
 *   observed as the recorder commits outcomes (`onRecorded`), so they count
 *   what THIS process recorded — sum them over control planes. A result
 *   delivered twice (rare: a recorder that died after committing) counts twice.
 */
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkflowOutcome } from '../../dto/index.js';
import type { OutboxLag } from '../outbox/outbox-sql.js';
import { failureReason } from './failure-reason.js';
import type { ReconcilePass } from '../outbox/run-reconciler.js';
import type { ResultsRecorderOptions } from '../recorder/results-recorder.js';

type CheckedBatch = Parameters<NonNullable<ResultsRecorderOptions['onChecked']>>[0];

export interface ServiceMetricsOptions {
  /** Queues to report, by the name shown in the `queue` label. */
  queues: ReadonlyMap<string, Queue>;
  outboxLag: () => Promise<OutboxLag>;
  /** Attempts abandoned by workers (zombies) per workflow, read from Redis on scrape. @defaultValue not exported */
  zombies?: () => Promise<Record<string, number>>;
  /** Runs stopped by an operator, by status (`cancelled`, `failed`), read from PostgreSQL on scrape. @defaultValue not exported */
  stoppedRuns?: () => Promise<Record<string, number>>;
  /** Schedules with their next fire time and last fire (read from PostgreSQL on scrape). @defaultValue not exported */
  schedules?: () => Promise<readonly { name: string; paused: boolean; nextFireAt: string | null; lastFire: { lagMs: number } | null }[]>;
  /** Schedule slots this process skipped under the missed-slot policy, by schedule. @defaultValue not exported */
  skippedSlots?: () => ReadonlyMap<string, number>;
  /** Also export Node's process metrics (CPU, memory, event loop lag). @defaultValue true */
  processMetrics?: boolean;
}

/** Seconds; from a no-op workflow (milliseconds) to a slow one (minutes). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #runDuration: Histogram<'workflow' | 'status'>;
  readonly #runsFinished: Counter<'workflow' | 'status'>;
  readonly #failures: Counter<'workflow' | 'reason' | 'final'>;
  readonly #deadLetters: Counter<'workflow' | 'reason'>;
  readonly #reconciled: Counter;
  readonly #reconcilePasses: Counter<'after_data_loss'>;
  readonly #lastReconcile: Gauge;
  readonly #refused: Counter<'reason'>;
  readonly #ignored: Counter<'reason'>;

  constructor(options: ServiceMetricsOptions) {
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'nyx_' });

    new Gauge({
      name: 'nyx_queue_jobs',
      help: 'Jobs in each BullMQ state, per queue (read from Redis on scrape).',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const [name, queue] of options.queues) {
          const counts = await queue.getJobCounts();
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }
      },
    });
    new Gauge({
      name: 'nyx_queue_workers',
      help: 'Connected BullMQ workers per queue (worker processes on workflow queues, recorders on results).',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const [name, queue] of options.queues) this.set({ queue: name }, await queue.getWorkersCount());
      },
    });
    const { zombies } = options;
    if (zombies) {
      new Gauge({
        name: 'nyx_worker_zombies_total',
        help: 'Attempts workers abandoned because the workflow ignored ctx.signal after its deadline or a cancel, per workflow (all workers, read from Redis).',
        labelNames: ['workflow'],
        registers,
        async collect() {
          this.reset();
          for (const [workflow, n] of Object.entries(await zombies())) this.set({ workflow }, n);
        },
      });
    }
    const { stoppedRuns } = options;
    if (stoppedRuns) {
      new Gauge({
        name: 'nyx_runs_stopped',
        help: 'Runs an operator stopped, by final status: cancelled, or failed by hand (all control planes, read from PostgreSQL).',
        labelNames: ['status'],
        registers,
        async collect() {
          this.reset();
          for (const [status, n] of Object.entries(await stoppedRuns())) this.set({ status }, n);
        },
      });
    }
    const { schedules } = options;
    if (schedules) {
      new Gauge({
        name: 'nyx_schedule_next_fire_timestamp_seconds',
        help: 'When each active schedule fires next (Unix time).',
        labelNames: ['schedule'],
        registers,
        async collect() {
          this.reset();
          for (const s of await schedules()) if (s.nextFireAt) this.set({ schedule: s.name }, Date.parse(s.nextFireAt) / 1000);
        },
      });
      new Gauge({
        name: 'nyx_schedule_lag_seconds',
        help: "How late each schedule's last slot fired (fire time minus slot time).",
        labelNames: ['schedule'],
        registers,
        async collect() {
          this.reset();
          for (const s of await schedules()) if (s.lastFire) this.set({ schedule: s.name }, s.lastFire.lagMs / 1000);
        },
      });
    }
    const { skippedSlots } = options;
    if (skippedSlots) {
      new Counter({
        name: 'nyx_schedule_slots_skipped_total',
        help: 'Schedule slots missed while no control plane ran and skipped by this control plane (missed-slot policy).',
        labelNames: ['schedule'],
        registers,
        collect() {
          this.reset();
          for (const [schedule, n] of skippedSlots()) this.inc({ schedule }, n);
        },
      });
    }
    const lag = { at: 0, value: null as Promise<OutboxLag> | null };
    // Both outbox gauges come from one query per scrape.
    const readLag = () => {
      if (!lag.value || Date.now() - lag.at > 100) {
        lag.at = Date.now();
        lag.value = options.outboxLag();
      }
      return lag.value;
    };
    new Gauge({
      name: 'nyx_outbox_pending',
      help: 'Outbox rows not yet relayed to Redis.',
      registers,
      async collect() {
        this.set((await readLag()).pending);
      },
    });
    new Gauge({
      name: 'nyx_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox row not yet relayed (0 when none): how far the relay is behind.',
      registers,
      async collect() {
        this.set((await readLag()).oldestPendingAgeMs / 1000);
      },
    });

    this.#runDuration = new Histogram({
      name: 'nyx_run_duration_seconds',
      help: 'Duration of the attempt that ended a run (worker start to finish), by workflow and final status.',
      labelNames: ['workflow', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#runsFinished = new Counter({
      name: 'nyx_runs_finished_total',
      help: 'Runs recorded in a final status by this control plane, by workflow and status (completed, dead).',
      labelNames: ['workflow', 'status'],
      registers,
    });
    this.#failures = new Counter({
      name: 'nyx_run_failures_total',
      help: 'Failed attempts recorded by this control plane, by workflow, reason and whether the run is dead.',
      labelNames: ['workflow', 'reason', 'final'],
      registers,
    });
    this.#deadLetters = new Counter({
      name: 'nyx_dead_letters_total',
      help: 'Runs that ended dead (and in the dead-letter queue), by workflow and reason.',
      labelNames: ['workflow', 'reason'],
      registers,
    });
    this.#reconciled = new Counter({
      name: 'nyx_reconciled_runs_total',
      help: 'Runs this control plane sent again because their BullMQ job was gone from Redis.',
      registers,
    });
    this.#reconcilePasses = new Counter({
      name: 'nyx_reconcile_passes_total',
      help: 'Reconciler passes of this control plane; after_data_loss="true": started by a detected Redis data loss.',
      labelNames: ['after_data_loss'],
      registers,
    });
    this.#lastReconcile = new Gauge({
      name: 'nyx_reconcile_last_pass_timestamp_seconds',
      help: 'When the last reconciler pass of this control plane ended (Unix time).',
      registers,
    });
    this.#refused = new Counter({
      name: 'nyx_outcomes_refused_total',
      help: 'Outcomes refused into the quarantine, never written, by reason (unknown_run, not_dispatched, workflow_mismatch, …).',
      labelNames: ['reason'],
      registers,
    });
    this.#ignored = new Counter({
      name: 'nyx_outcomes_ignored_total',
      help: 'Outcomes left alone as at-least-once duplicates: run already final, or an attempt older than the one recorded.',
      labelNames: ['reason'],
      registers,
    });
  }

  /** The control plane's `onReconciled` callback. */
  readonly observeReconcilePass = (pass: ReconcilePass): void => {
    this.#reconciled.inc(pass.resent);
    this.#reconcilePasses.inc({ after_data_loss: String(pass.afterDataLoss) });
    this.#lastReconcile.set(pass.at.getTime() / 1000 + pass.durationMs / 1000);
  };

  /** The recorder's `onChecked` callback. */
  readonly observeChecked = (checked: CheckedBatch): void => {
    for (const { reason } of checked.refused) this.#refused.inc({ reason });
    if (checked.refusedJobs > 0) this.#refused.inc({ reason: 'oversized_job' }, checked.refusedJobs);
    for (const { reason } of checked.ignored) this.#ignored.inc({ reason });
  };

  /** The recorder's `onRecorded` callback. */
  readonly observeOutcomes = (outcomes: readonly WorkflowOutcome[]): void => {
    for (const outcome of outcomes) {
      const workflow = outcome.workflow ?? 'unknown';
      const seconds = Math.max(0, outcome.finishedAt.getTime() - outcome.startedAt.getTime()) / 1000;
      if (outcome.kind === 'completed') {
        this.#runDuration.observe({ workflow, status: 'completed' }, seconds);
        this.#runsFinished.inc({ workflow, status: 'completed' });
        continue;
      }
      const reason = failureReason(outcome);
      this.#failures.inc({ workflow, reason, final: String(outcome.final) });
      if (outcome.final) {
        this.#runDuration.observe({ workflow, status: 'dead' }, seconds);
        this.#runsFinished.inc({ workflow, status: 'dead' });
        this.#deadLetters.inc({ workflow, reason });
      }
    }
  };

  /** The exposition text; rejects when Redis or PostgreSQL cannot be read. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
