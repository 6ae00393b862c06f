/**
 * Tables printed for people: colours on a terminal only. The demo summary
 * rendered with stdout not a terminal (as under jest, or `nyx demo > file`)
 * has no ANSI escape codes; the same table for a terminal has them.
 */
import { describe, expect, it } from '@jest/globals';
import { terminalTable } from '../../src/cli/terminal-table.js';
import { formatDemoSummary, type DemoSummary } from '../../src/tools/demo/run-demo.js';

const ESC = new RegExp(`${String.fromCharCode(27)}\\[`);

const summary: DemoSummary = {
  tasks: 3,
  completed: 2,
  failed: 1,
  dead: 0,
  unfinished: 0,
  durationMs: 1500,
  throughputPerSec: 2,
  spawnToFinishMs: { p50: 10, p99: 20 },
  database: 'pglite',
  redis: 'private redis-server',
  workers: 1,
  failureReasons: [{ error: 'boom', runs: 1 }],
};

describe('terminal tables', () => {
  it('the demo summary has no colour codes when stdout is not a terminal', () => {
    expect(process.stdout.isTTY).toBeFalsy();
    const text = formatDemoSummary(summary);
    expect(text).toContain('completed');
    expect(text).not.toMatch(ESC);
  });

  it('plain for a pipe, coloured for a terminal', () => {
    const render = (isTTY: boolean) => {
      const table = terminalTable(['run', 'workflow'], { isTTY });
      table.push(['r1', 'keywords']);
      return table.toString();
    };
    expect(render(false)).not.toMatch(ESC);
    // Whether colours reach the text depends on the environment's colour support
    // (CI=true turns them off), so the terminal case is checked on the style chosen.
    expect(terminalTable(['run'], { isTTY: true }).options.style.head).toEqual(['red']);
    expect(terminalTable(['run'], { isTTY: false }).options.style.head).toEqual([]);
  });
});
