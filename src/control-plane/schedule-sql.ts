/**
 * The schedules' SQL, one named function per statement.
 *
 * Exactly once per slot: `claimSlot` inserts the (schedule, slot) row in the
 * transaction that spawns the slot's runs. A second control plane inserting
 * the same row waits for the first transaction: if it commits, the insert
 * conflicts and does nothing (that control plane spawns nothing); if it rolls
 * back, the second one claims the slot and spawns.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';

export interface ScheduleRow {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  taskIds: string[];
  paused: boolean;
  createdAt: Date;
  lastSlot: Date | null;
}

export interface ScheduleWithLastFire extends ScheduleRow {
  /** The last fired slot and when it fired (its lag), if any. */
  lastFire: { slot: Date; firedAt: Date; runIds: string[]; error: string | null } | null;
}

type Raw = Record<string, unknown>;

const uuidArray = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(String)
    : (typeof value === 'string' ? value : '{}')
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);

function toSchedule(row: Raw): ScheduleRow {
  return {
    id: String(row.id),
    name: String(row.name),
    cron: String(row.cron),
    timeZone: String(row.time_zone),
    taskIds: uuidArray(row.task_ids),
    paused: Boolean(row.paused),
    createdAt: new Date(row.created_at as string),
    lastSlot: row.last_slot ? new Date(row.last_slot as string) : null,
  };
}

export async function insertSchedule(em: SqlEntityManager, schedule: Omit<ScheduleRow, 'lastSlot'>): Promise<ScheduleRow> {
  const [row] = await em.execute<Raw[]>(
    `insert into schedule (id, name, cron, time_zone, task_ids, paused, created_at) values (?, ?, ?, ?, ?::uuid[], ?, ?) returning *`,
    [schedule.id, schedule.name, schedule.cron, schedule.timeZone, `{${schedule.taskIds.join(',')}}`, schedule.paused, schedule.createdAt.toISOString()],
  );
  return toSchedule(row!);
}

/** Every schedule with its last fire, by name. */
export async function listSchedules(em: SqlEntityManager, options: { activeOnly?: boolean } = {}): Promise<ScheduleWithLastFire[]> {
  const rows = await em.execute<Raw[]>(
    `select s.*, f.slot as f_slot, f.fired_at as f_fired_at, f.run_ids as f_run_ids, f.error as f_error
       from schedule s
       left join lateral (select * from schedule_fire where schedule_id = s.id order by slot desc limit 1) f on true
      ${options.activeOnly ? 'where not s.paused' : ''}
      order by s.name`,
  );
  return rows.map((row) => ({
    ...toSchedule(row),
    lastFire: row.f_slot
      ? {
          slot: new Date(row.f_slot as string),
          firedAt: new Date(row.f_fired_at as string),
          runIds: uuidArray(row.f_run_ids),
          error: (row.f_error as string | null) ?? null,
        }
      : null,
  }));
}

/** Pauses or resumes; a resumed schedule skips what it missed while paused (its last slot moves to now). Returns false if unknown. */
export async function setSchedulePaused(em: SqlEntityManager, name: string, paused: boolean, at: Date): Promise<boolean> {
  const rows = await em.execute<Raw[]>(
    `update schedule set paused = ?, last_slot = case when ? then last_slot else greatest(last_slot, ?::timestamptz) end where name = ? returning id`,
    [paused, paused, at.toISOString(), name],
  );
  return rows.length > 0;
}

export async function deleteSchedule(em: SqlEntityManager, name: string): Promise<boolean> {
  const rows = await em.execute<Raw[]>(`delete from schedule where name = ? returning id`, [name]);
  return rows.length > 0;
}

/** Claims a slot (see the module comment); false when another control plane has it. */
export async function claimSlot(em: SqlEntityManager, scheduleId: string, slot: Date, firedAt: Date): Promise<boolean> {
  const rows = await em.execute<Raw[]>(
    `insert into schedule_fire (schedule_id, slot, fired_at, run_ids) values (?, ?, ?, '{}') on conflict do nothing returning slot`,
    [scheduleId, slot.toISOString(), firedAt.toISOString()],
  );
  return rows.length > 0;
}

export async function recordFire(em: SqlEntityManager, scheduleId: string, slot: Date, runIds: readonly string[], error: string | null): Promise<void> {
  await em.execute(`update schedule_fire set run_ids = ?::uuid[], error = ? where schedule_id = ? and slot = ?`, [
    `{${runIds.join(',')}}`,
    error,
    scheduleId,
    slot.toISOString(),
  ]);
}

/** Moves the schedule's last handled slot forward (never back: control planes may race). */
export async function advanceLastSlot(em: SqlEntityManager, scheduleId: string, slot: Date): Promise<void> {
  await em.execute(`update schedule set last_slot = greatest(coalesce(last_slot, ?::timestamptz), ?::timestamptz) where id = ?`, [
    slot.toISOString(),
    slot.toISOString(),
    scheduleId,
  ]);
}
