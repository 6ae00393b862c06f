/** The missed-slot policy (dueSlots) and cron/time-zone validation (parseCron), on plain dates. */
import { describe, expect, it } from '@jest/globals';
import { dueSlots, parseCron } from '../../src/control-plane/schedule-slots.js';

const at = (iso: string) => new Date(iso);
const isoList = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('dueSlots', () => {
  const everySecond = parseCron('s', '* * * * * *', 'UTC');

  it('fires every slot after the last one, up to now, when none is late past the window', () => {
    const due = dueSlots(everySecond, at('2026-12-01T10:00:00.000Z'), at('2026-12-01T10:00:03.500Z'), 60_000);
    expect(isoList(due.fire)).toEqual(['2026-12-01T10:00:01.000Z', '2026-12-01T10:00:02.000Z', '2026-12-01T10:00:03.000Z']);
    expect(due).toMatchObject({ skipped: 0, latest: at('2026-12-01T10:00:03.000Z') });
  });

  it('skips slots missed past the window when a slot is due inside it', () => {
    const due = dueSlots(everySecond, at('2026-12-01T10:00:00.000Z'), at('2026-12-01T10:00:10.500Z'), 1_000);
    expect(isoList(due.fire)).toEqual(['2026-12-01T10:00:10.000Z']);
    expect(due.skipped).toBe(9);
  });

  it('catches up only the most recent missed slot when none is due inside the window', () => {
    const hourly = parseCron('h', '0 * * * *', 'UTC');
    const due = dueSlots(hourly, at('2026-12-01T10:00:00.000Z'), at('2026-12-01T15:30:00.000Z'), 60_000);
    expect(isoList(due.fire)).toEqual(['2026-12-01T15:00:00.000Z']);
    expect(due).toMatchObject({ skipped: 4, latest: at('2026-12-01T15:00:00.000Z') });
  });

  it('fires nothing before the next slot', () => {
    const due = dueSlots(parseCron('d', '0 9 * * *', 'Europe/Paris'), at('2026-12-01T08:00:00.000Z'), at('2026-12-01T12:00:00.000Z'), 60_000);
    expect(due).toEqual({ fire: [], skipped: 0, latest: null });
  });

  it('reads the expression in the time zone', () => {
    // 09:00 in Paris is 08:00 UTC in December.
    const due = dueSlots(parseCron('d', '0 9 * * *', 'Europe/Paris'), at('2026-12-01T07:00:00.000Z'), at('2026-12-01T08:00:30.000Z'), 60_000);
    expect(isoList(due.fire)).toEqual(['2026-12-01T08:00:00.000Z']);
  });
});

describe('parseCron', () => {
  it('names a bad expression or time zone', () => {
    expect(() => parseCron('nightly', 'every night', 'UTC')).toThrow(/^schedule "nightly": cron "every night": /);
    expect(() => parseCron('nightly', '0 3 * * *', 'Mars/Olympus')).toThrow(
      'schedule "nightly": time zone "Mars/Olympus" is not an IANA time zone (like Europe/Paris or UTC)',
    );
  });
});
