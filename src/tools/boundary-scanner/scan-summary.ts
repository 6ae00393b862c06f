/**
 * What one scan covered, so that "no findings" can be told apart from
 * "nothing was looked at": files by extension, entities and processors found,
 * findings by severity, and the time taken. Printed as one line after the
 * findings (on stderr with `--json`, so stdout stays a JSON array).
 */
import type { ProcessorSource } from './worker-discovery.js';

export interface ScanSummary {
  files: number;
  /** `{ '.ts': 120, '.js': 3 }` */
  filesByExtension: Record<string, number>;
  /** JSX files not parsed: no ORM/queue marker and not imported by scanned code. */
  skippedJsx: number;
  /** Distinct entities declared in the project (decorators, defineEntity, EntitySchema). */
  entities: number;
  /** Distinct processor functions (NestJS handlers, `new Worker` processors, helper-built, sandboxed files). */
  processors: number;
  processorsBySource: Partial<Record<ProcessorSource, number>>;
  /** Files that define a processor or are worker modules. */
  workerFiles: number;
  errors: number;
  warnings: number;
  strict: boolean;
  milliseconds: number;
}

const SOURCE_LABELS: Record<ProcessorSource, string> = {
  nestjs: 'NestJS',
  'bullmq-worker': 'new Worker',
  'worker-helper': 'via helper',
  'sandboxed-file': 'sandboxed',
};

/**
 * `check-boundary: 3953 files (3950 .ts, 3 .js), 12 entities, 4 processors (3 NestJS, 1 new Worker) in 2 worker files;
 * 2 errors, 1 warning; 1.8 s`
 */
export function formatSummary(summary: ScanSummary): string {
  const extensions = Object.entries(summary.filesByExtension)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([extension, n]) => `${n} ${extension}`)
    .join(', ');
  const sources = Object.entries(summary.processorsBySource)
    .map(([source, n]) => `${n} ${SOURCE_LABELS[source as ProcessorSource]}`)
    .join(', ');
  return (
    `check-boundary: ${plural(summary.files, 'file')} (${extensions}${summary.skippedJsx ? `; ${summary.skippedJsx} UI .tsx/.jsx skipped` : ''}), ${plural(summary.entities, 'entity', 'entities')}, ` +
    `${plural(summary.processors, 'processor')}${sources ? ` (${sources})` : ''} in ${plural(summary.workerFiles, 'worker file')}; ` +
    `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}${summary.strict ? ' (--strict)' : ''}; ` +
    `${(summary.milliseconds / 1000).toFixed(1)} s`
  );
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
