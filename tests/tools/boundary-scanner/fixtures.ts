/** Paths of the boundary scanner's fixture projects (tests run from the repo root). */
import path from 'node:path';

export const FIXTURES_DIR = path.resolve('tests/fixtures/boundary');

export function fixture(name: string): string {
  return path.join(FIXTURES_DIR, name);
}
