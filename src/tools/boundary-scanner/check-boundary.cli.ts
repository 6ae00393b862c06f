/**
 * Standalone entry: `tsx src/tools/boundary-scanner/check-boundary.cli.ts <path> [--json]`,
 * the same command as `nyx check-boundary` without booting the rest of the CLI.
 */
import { Command } from 'commander';
import { registerCheckBoundaryCommand } from './check-boundary.command.js';

async function run(): Promise<void> {
  const program = new Command('check-boundary-cli');
  registerCheckBoundaryCommand(program);
  // The subcommand name is optional here: this entry point has no other command.
  const args = process.argv.slice(2);
  const argv = args[0] === 'check-boundary' ? args : ['check-boundary', ...args];
  await program.parseAsync(argv, { from: 'user' });
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
