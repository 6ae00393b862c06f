import type { z } from 'zod';
import { NyxError } from '../errors/nyx-error.js';

/**
 * A setting in the environment has a bad value. Thrown at start-up, before
 * anything is connected; the CLI prints the message and exits with code 2.
 */
export class ConfigError extends NyxError {
  readonly code = 'invalid_configuration';
  readonly kind = 'input';

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
