import { InvalidArgumentError } from 'commander';

/** commander parser for a whole number within bounds. */
export function intOption(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
}

/** commander parser for an ISO 8601 date-time with a time zone. */
export function isoDate(raw: string): Date {
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(raw) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`expected an ISO 8601 time with a zone (2026-12-24T18:00:00Z), got "${raw}"`);
  }
  return date;
}
