/**
 * How every command ends on failure: one line on stderr naming what went
 * wrong, exit code 2 for bad input or configuration, 1 for everything else.
 */
const INPUT_ERRORS = new Set([
  'ConfigError',
  'UnknownTaskError',
  'RelationNotLoadedError',
  'InvalidTaskContextError',
  'NotPlainJsonError',
  'PayloadTooLargeError',
  'UnknownWorkflowError',
  'InvalidArgumentError',
  'DeadLetterNotFoundError',
  'RedriveRefusedError',
  'DatabaseMissingError',
  'PendingMigrationsError',
]);

export function failAndExit(error: unknown): never {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nyx: ${message}\n`);
  if (process.env.NYX_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(INPUT_ERRORS.has(name) ? 2 : 1);
}

/** Runs a command body; on error prints the one-line reason and exits. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      failAndExit(error);
    }
  };
}
