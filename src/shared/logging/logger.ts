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
    // pino's base fields already carry this process's id: a `pid` passed in a call would be a second
    // key in the line (another process's id is kept, as reportedPid).
    formatters: { log: ({ pid, ...fields }) => (pid === undefined || pid === process.pid ? fields : { ...fields, reportedPid: pid }) },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
