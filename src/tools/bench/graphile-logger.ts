/** graphile-worker logs info lines on the console by default: the bench keeps stdout for its report, and shows only errors. */
import { Logger } from 'graphile-worker';

export const quietGraphileLogger = new Logger((scope) => (level, message) => {
  if (level === 'error') console.error(`graphile-worker${scope.label ? ` ${scope.label}` : ''}: ${message}`);
});
