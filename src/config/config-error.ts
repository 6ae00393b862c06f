import type { z } from 'zod';

/**
 * A setting in the environment has a bad value. Thrown at start-up, before
 * anything is connected; the CLI prints the message and exits with code 2.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }

  static fromZod(error: z.ZodError): ConfigError {
    const lines = error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return `${variable}: ${issue.message}`;
    });
    return new ConfigError(`invalid configuration — ${lines.join('; ')}`);
  }
}
