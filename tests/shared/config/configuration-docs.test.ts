/**
 * docs/configuration.md holds one table of every setting. This test keeps it
 * true to the zod schema: every variable of the schema has a row, with the
 * schema's default and side (a worker parses only the worker half), and no
 * row names anything else. Adding a setting without its row fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { configSchema, workerConfigSchema } from '../../../src/shared/config/config.js';

interface Row {
  variable: string;
  side: string;
  defaultCell: string;
}

const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

function tableRows(): Row[] {
  const table = /<!-- settings-table: start -->\n([\s\S]*?)<!-- settings-table: end -->/.exec(docs)?.[1];
  if (!table) throw new Error('docs/configuration.md: no <!-- settings-table: start/end --> block');
  const lines = table.trim().split('\n').slice(2); // header and separator
  return lines.map((line) => {
    const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim());
    const variable = /^`([A-Z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!variable || cells.length < 4) throw new Error(`docs/configuration.md: a row is not | \`NAME\` | side | default | what |: ${line}`);
    return { variable, side: cells[1]!, defaultCell: cells[2]! };
  });
}

/** How the table writes a schema default: `value` in a code span, `none` for an empty list, `unset…` for none. */
function expectedDefault(value: unknown): string {
  if (value === undefined) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : `\`${value.join(',')}\``;
  return `\`${typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean)}\``;
}

describe('docs/configuration.md', () => {
  const rows = tableRows();
  // The schema parsed with nothing set: every variable with its default, keyed by its name.
  const defaults: Record<string, unknown> = configSchema.parse({});
  const schemaKeys = Object.keys(configSchema.shape);
  const workerKeys = new Set(Object.keys(workerConfigSchema.shape));

  it('has one row per setting of the schema, and no other row', () => {
    const documented = rows.map((row) => row.variable);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...schemaKeys].sort());
  });

  it.each(schemaKeys)('%s: the default and side are the schema’s', (key) => {
    const row = rows.find((r) => r.variable === key);
    expect(row).toBeDefined();
    const expected = expectedDefault(defaults[key]);
    // The cell starts with the default; an explanation may follow ("unset: embedded PGlite").
    const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(row!.defaultCell).toMatch(new RegExp(`^${escaped}(?:$|[: ])`));
    expect(row!.side).toBe(workerKeys.has(key) ? 'both' : 'control plane');
  });
});
