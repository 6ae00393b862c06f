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
