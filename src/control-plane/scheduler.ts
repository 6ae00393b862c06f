/**
 * Fires schedules: every `tickMs`, reads the active schedules, works out
 * their due slots (schedule-slots.ts: the missed-slot policy) and fires each
 * in its own transaction — claim the (schedule, slot) row, spawn the tasks
 * with the same EntityManager, record the run ids — so a slot's runs exist
 * if and only if its row does, and several control planes fire each slot
 * once (schedule-sql.ts). A slot whose spawn fails (a task deleted since)
 * is recorded with its error in a second transaction and not retried: a
 * broken schedule must not spawn a burst once fixed.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from '../shared/logging/logger.js';
import { advanceLastSlot, claimSlot, listSchedules, recordFire, type ScheduleRow } from './schedule-sql.js';
import { dueSlots, parseCron } from './schedule-slots.js';

export interface SchedulerOptions {
  em: () => SqlEntityManager;
  /** Spawns the tasks inside the given transaction; returns the run ids. */
  spawn: (em: SqlEntityManager, taskIds: readonly string[]) => Promise<string[]>;
  /** After commit: the relay may look at the outbox. */
  wake: () => void;
  /** In ms. */
  tickMs: number;
  /** How late a slot may be and still fire, in ms (schedule-slots.ts). */
  misfireMs: number;
  log: Logger;
  onFired?: (fired: { schedule: string; slot: Date; firedAt: Date; runIds: string[] }) => void;
  onSkipped?: (schedule: string, slots: number) => void;
}

export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | null = null;
  #running = false;
  /** Slots this process skipped (missed-slot policy), by schedule name. */
  readonly skippedSlots = new Map<string, number>();

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const loop = () => {
      this.#ticking = this.tick()
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'scheduler: tick failed; trying again'))
        .finally(() => {
          this.#ticking = null;
          if (this.#running) this.#timer = setTimeout(loop, this.options.tickMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#ticking;
  }

  /** One pass over the active schedules. */
  async tick(now = new Date()): Promise<void> {
    for (const schedule of await listSchedules(this.options.em(), { activeOnly: true })) {
      let due;
      try {
        due = dueSlots(parseCron(schedule.name, schedule.cron, schedule.timeZone), schedule.lastSlot ?? schedule.createdAt, now, this.options.misfireMs);
      } catch (error) {
        this.options.log.error({ err: error, schedule: schedule.name }, 'scheduler: schedule cannot be read; skipped');
        continue;
      }
      for (const slot of due.fire) await this.#fire(schedule, slot);
      if (due.skipped > 0) {
        this.options.log.warn({ schedule: schedule.name, skipped: due.skipped }, 'scheduler: slots missed while no control plane ran were skipped');
        this.skippedSlots.set(schedule.name, (this.skippedSlots.get(schedule.name) ?? 0) + due.skipped);
        this.options.onSkipped?.(schedule.name, due.skipped);
      }
      if (due.latest) await advanceLastSlot(this.options.em(), schedule.id, due.latest);
    }
  }

  async #fire(schedule: ScheduleRow, slot: Date): Promise<void> {
    const firedAt = new Date();
    let runIds: string[] | null;
    try {
      runIds = await this.options.em().transactional(async (tx) => {
        const t = tx;
        if (!(await claimSlot(t, schedule.id, slot, firedAt))) return null;
        const ids = await this.options.spawn(t, schedule.taskIds);
        await recordFire(t, schedule.id, slot, ids, null);
        await advanceLastSlot(t, schedule.id, slot);
        return ids;
      });
    } catch (error) {
      this.options.log.error({ err: error, schedule: schedule.name, slot }, 'scheduler: spawn of a slot failed; recorded, not retried');
      await this.options.em().transactional(async (tx) => {
        const t = tx;
        if (await claimSlot(t, schedule.id, slot, firedAt)) await recordFire(t, schedule.id, slot, [], (error as Error).message.slice(0, 4_000));
        await advanceLastSlot(t, schedule.id, slot);
      });
      return;
    }
    if (runIds === null) return;
    this.options.wake();
    this.options.log.info({ schedule: schedule.name, slot, runs: runIds.length }, 'scheduler: slot fired');
    this.options.onFired?.({ schedule: schedule.name, slot, firedAt, runIds });
  }
}
