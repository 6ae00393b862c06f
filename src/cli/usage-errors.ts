/**
 * Commander's usage errors (unknown command or option, missing or bad
 * argument) exit 2 like every other bad input (see exit.ts); help and
 * --version still exit 0. Commander prints the reason itself before this
 * runs. Call before registering commands: subcommands inherit the override.
 */
import type { Command, CommanderError } from 'commander';

export const USAGE_EXIT_CODE = 2;

export function exitOnUsageError(program: Command): Command {
  return program.exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT_CODE);
  });
}
