/**
 * Structured JSON logs (pino) everywhere; pretty-printed when stdout is a
 * terminal. Lines about a job carry `runId`, `jobId` and `taskId` (child loggers).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string): Logger {
  const pretty = process.stdout.isTTY && process.env.CI !== 'true';
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
