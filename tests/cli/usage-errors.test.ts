/**
 * Commander's own usage errors exit 2, as every other bad input does (the
 * README's contract: 2 for bad input or configuration, 1 otherwise); help
 * still exits 0. Real CLI processes; none of these needs a database.
 */
import { describe, expect, it } from '@jest/globals';
import { runNyxCli } from '../support/nyx-cli.js';

describe('nyx usage errors', () => {
  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown option', ['demo', '--no-such-option']],
    ['a bad whole number', ['demo', '--tasks', 'many']],
    ['a missing argument', ['spawn']],
    ['a missing subcommand argument', ['dlq', 'show']],
    ['an unknown subcommand option', ['dlq', 'list', '--frob']],
    ['an excess argument', ['migrate', 'extra']],
  ])('%s exits 2 with the reason on stderr', async (_what, args) => {
    const { code, stdout, stderr } = await runNyxCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error: /);
  });

  it('a run id that is not a uuid exits 2, naming it', async () => {
    const { code, stderr } = await runNyxCli(['runs', 'not-a-uuid']);
    expect(code).toBe(2);
    expect(stderr).toContain('not-a-uuid');
  });

  it('--help exits 0', async () => {
    const { code, stdout } = await runNyxCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: nyx');
  });
});
