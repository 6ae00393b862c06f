/**
 * Schedules as the API, the CLI and a library user see them: create (checked
 * before anything is written), list with the next fire time and the last
 * fire's lag, pause, resume, delete. Firing is the Scheduler's (scheduler.ts).
 */
import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { MotivationalTask } from './entities/index.js';
import { UnknownTaskError } from '../producers/errors/index.js';
import { InvalidScheduleError } from './errors/invalid-schedule-error.js';
import { UnknownScheduleError } from './errors/unknown-schedule-error.js';
import { deleteSchedule, insertSchedule, listSchedules, setSchedulePaused } from './schedule-sql.js';
import { parseCron } from './schedule-slots.js';

export interface ScheduleSpec {
  /** Unique, lower-case letters, digits, dashes. */
  name: string;
  /** Cron expression, 5 fields, or 6 with seconds first (croner syntax). */
  cron: string;
  /** IANA time zone the expression is read in. @defaultValue UTC */
  timeZone?: string;
  /** Tasks spawned at each slot. */
  taskIds: readonly string[];
  /** @defaultValue false */
  paused?: boolean;
}

export interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  taskIds: string[];
  paused: boolean;
  createdAt: string;
  /** Next slot (null while paused). */
  nextFireAt: string | null;
  lastFire: { slot: string; firedAt: string; lagMs: number; runIds: string[]; error: string | null } | null;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Schedules {
  constructor(private readonly em: () => SqlEntityManager) {}

  async create(spec: ScheduleSpec): Promise<ScheduleView> {
    const timeZone = spec.timeZone ?? 'UTC';
    if (!NAME.test(spec.name)) throw new InvalidScheduleError(spec.name, 'the name must be lower-case letters, digits and dashes (at most 128)');
    parseCron(spec.name, spec.cron, timeZone);
    if (spec.taskIds.length === 0) throw new InvalidScheduleError(spec.name, 'it spawns no task (give at least one task id)');
    const malformed = spec.taskIds.filter((id) => !UUID.test(id));
    if (malformed.length > 0) throw new UnknownTaskError(malformed);
    const em = this.em();
    const found = new Set((await em.find(MotivationalTask, { id: { $in: [...spec.taskIds] } }, { fields: ['id'] })).map((task) => task.id));
    const missing = spec.taskIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new UnknownTaskError(missing);
    const row = await insertSchedule(em, {
      id: randomUUID(),
      name: spec.name,
      cron: spec.cron,
      timeZone,
      taskIds: [...new Set(spec.taskIds)],
      paused: spec.paused ?? false,
      createdAt: new Date(),
    });
    return (await this.get(row.name))!;
  }

  async list(): Promise<ScheduleView[]> {
    return (await listSchedules(this.em())).map((schedule) => {
      const next = schedule.paused ? null : parseCron(schedule.name, schedule.cron, schedule.timeZone).nextRun(new Date());
      const fire = schedule.lastFire;
      return {
        id: schedule.id,
        name: schedule.name,
        cron: schedule.cron,
        timeZone: schedule.timeZone,
        taskIds: schedule.taskIds,
        paused: schedule.paused,
        createdAt: schedule.createdAt.toISOString(),
        nextFireAt: next ? next.toISOString() : null,
        lastFire: fire
          ? {
              slot: fire.slot.toISOString(),
              firedAt: fire.firedAt.toISOString(),
              lagMs: fire.firedAt.getTime() - fire.slot.getTime(),
              runIds: fire.runIds,
              error: fire.error,
            }
          : null,
      };
    });
  }

  async get(name: string): Promise<ScheduleView | null> {
    return (await this.list()).find((schedule) => schedule.name === name) ?? null;
  }

  async pause(name: string): Promise<ScheduleView> {
    if (!(await setSchedulePaused(this.em(), name, true, new Date()))) throw new UnknownScheduleError(name);
    return (await this.get(name))!;
  }

  /** Resumes from now: slots that passed while paused are not fired. */
  async resume(name: string): Promise<ScheduleView> {
    if (!(await setSchedulePaused(this.em(), name, false, new Date()))) throw new UnknownScheduleError(name);
    return (await this.get(name))!;
  }

  async delete(name: string): Promise<void> {
    if (!(await deleteSchedule(this.em(), name))) throw new UnknownScheduleError(name);
  }
}
