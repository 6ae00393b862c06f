/**
 * Bad command lines, one module: `UsageError` for arguments that parse but do
 * not fit together, and `exitOnUsageError` for what Commander itself refuses.
 * Both exit 2, like every other bad input (see exit.ts).
 */
import type { Command, CommanderError } from 'commander';
import { NyxError } from '../shared/errors/nyx-error.js';

export const USAGE_EXIT_CODE = 2;

/** A command was called with arguments that do not fit together (`nyx dlq redrive` with neither a run id nor --all). Exit code 2. */
export class UsageError extends NyxError {
  readonly code = 'usage';
  readonly kind = 'input';
}

/**
 * Commander's usage errors (unknown command or option, missing or bad
 * argument) exit 2; help and --version still exit 0. Commander prints the
 * reason itself before this runs. Call before registering commands:
 * subcommands inherit the override.
 */
export function exitOnUsageError(program: Command): Command {
  return program.exitOverride((error: CommanderError) => {
    process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT_CODE);
  });
}
