/**
 * Which slots of a schedule fire now — the missed-slot policy, in one pure
 * function (cron parsing and time zones by croner).
 *
 * Slots after `after` (the schedule's last handled slot, or its creation) and
 * not after `now` are due. Those late by at most `misfireMs` all fire: a
 * control plane that was slow, or briefly away while another took over,
 * loses none. Those later than that were missed while no control plane ran:
 * only the most recent of them fires ("catch up the last one"), and only if
 * no slot is due inside the window (that one stands in for it); the others
 * are skipped.
 */
import { Cron } from 'croner';
import { InvalidScheduleError } from './errors/invalid-schedule-error.js';

export interface DueSlots {
  fire: Date[];
  /** Missed slots that will never fire (capped at MAX_COUNTED). */
  skipped: number;
  /** The latest due slot (fired or skipped): the schedule's new `last_slot`. */
  latest: Date | null;
}

const MAX_COUNTED = 100_000;

/** Parses a cron expression in a time zone, or throws InvalidScheduleError naming what is wrong. */
export function parseCron(name: string, cron: string, timeZone: string): Cron {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new InvalidScheduleError(name, `time zone "${timeZone}" is not an IANA time zone (like Europe/Paris or UTC)`);
  }
  try {
    const parsed = new Cron(cron, { timezone: timeZone, paused: true });
    if (parsed.nextRun() === null) throw new Error('it never fires');
    return parsed;
  } catch (error) {
    throw new InvalidScheduleError(name, `cron "${cron}": ${(error as Error).message}`);
  }
}

export function dueSlots(cron: Cron, after: Date, now: Date, misfireMs: number): DueSlots {
  const windowStart = new Date(Math.max(after.getTime(), now.getTime() - misfireMs));
  const fire: Date[] = [];
  for (let slot = cron.nextRun(windowStart); slot && slot <= now; slot = cron.nextRun(slot)) fire.push(slot);
  // Missed: slots in (after, windowStart].
  let missed = 0;
  let lastMissed: Date | null = null;
  if (windowStart > after) {
    for (let slot = cron.nextRun(after); slot && slot <= windowStart && missed < MAX_COUNTED; slot = cron.nextRun(slot)) missed += 1;
    if (missed > 0) lastMissed = cron.previousRuns(1, new Date(windowStart.getTime() + 1))[0] ?? null;
    if (lastMissed && lastMissed <= after) lastMissed = null;
  }
  if (fire.length === 0 && lastMissed) return { fire: [lastMissed], skipped: missed - 1, latest: lastMissed };
  return { fire, skipped: missed, latest: fire.at(-1) ?? lastMissed };
}
