/**
 * The dashboard's view of job data: configured fields replaced by
 * "[redacted]", long strings and long arrays cut, so a page of jobs stays
 * readable and a secret in a payload is not shown to every operator.
 *
 * Display only: the job in Redis is untouched. (If someone edits a job in
 * the dashboard, the editor starts from this view — a saved "[redacted]" is
 * then what the worker gets, and the worker's schema decides; see the
 * dashboard test.)
 */
export interface RedactOptions {
  /** Dot paths into the data; `*` matches any key or index. */
  paths: readonly string[];
  /** Strings longer than this are cut, in characters. */
  maxStringLength: number;
  /** Arrays longer than this are cut. @defaultValue 100 */
  maxArrayItems?: number;
  /** Deeper than this is not shown. @defaultValue 20 */
  maxDepth?: number;
}

export const REDACTED = '[redacted]';

export function createJobDataFormatter(options: RedactOptions): (data: unknown) => unknown {
  const patterns = options.paths.map((path) => path.split('.'));
  const maxItems = options.maxArrayItems ?? 100;
  const maxDepth = options.maxDepth ?? 20;

  const redacted = (path: readonly string[]) =>
    patterns.some((pattern) => pattern.length === path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]));

  function visit(value: unknown, path: string[]): unknown {
    if (path.length > 0 && redacted(path)) return REDACTED;
    if (typeof value === 'string') {
      return value.length > options.maxStringLength ? `${value.slice(0, options.maxStringLength)}… [truncated: ${value.length} characters]` : value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (path.length >= maxDepth) return '[too deep to show]';
    if (Array.isArray(value)) {
      const shown = value.slice(0, maxItems).map((item, i) => visit(item, [...path, String(i)]));
      if (value.length > maxItems) shown.push(`… [${value.length - maxItems} more items]`);
      return shown;
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
  }

  return (data) => visit(data, []);
}
