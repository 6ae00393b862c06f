/**
 * Which `.tsx`/`.jsx` files to parse. UI components are most of the JSX in a
 * back-end monorepo (an admin dashboard) and parsing them costs as much as
 * the rest of the back end, so a JSX file is read only when it can matter:
 * it mentions the ORM, a queue library or an EntityManager, or a file that
 * does is its (transitive, relative) importer — the e-mail template a
 * processor renders. A component tree that nothing ORM- or queue-related
 * imports cannot be reached from a processor.
 * A skipped file is counted in the summary, never silently dropped.
 */
import fs from 'node:fs';
import { resolveImport } from './import-graph.js';

const JSX_FILE = /\.[jt]sx$/;
const MARKER = /mikro-orm|bullmq|@nestjs\/bull|EntityManager|EntityRepository|allowGlobalContext/;
const RELATIVE_SPECIFIER = /(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

export interface JsxSelection {
  /** Every non-JSX file plus the JSX files that can matter, sorted. */
  fileNames: string[];
  skippedJsx: number;
}

export function selectJsxFiles(fileNames: readonly string[]): JsxSelection {
  const jsx = new Set(fileNames.filter((f) => JSX_FILE.test(f)));
  if (jsx.size === 0) return { fileNames: [...fileNames], skippedJsx: 0 };
  const selected = new Set<string>();
  const queue: string[] = [];
  const select = (fileName: string): void => {
    if (selected.has(fileName)) return;
    selected.add(fileName);
    queue.push(fileName);
  };
  const texts = new Map<string, string>();
  const textOf = (fileName: string): string => {
    let text = texts.get(fileName);
    if (text === undefined) {
      text = fs.readFileSync(fileName, 'utf8');
      texts.set(fileName, text);
    }
    return text;
  };
  const all = new Set(fileNames);
  for (const fileName of fileNames) if (MARKER.test(textOf(fileName))) select(fileName);
  for (let fileName = queue.shift(); fileName; fileName = queue.shift()) {
    for (const match of textOf(fileName).matchAll(RELATIVE_SPECIFIER)) {
      const target = match[1] && resolveImport(fileName, match[1], all);
      if (target) select(target);
    }
  }
  const keep = (f: string): boolean => !jsx.has(f) || selected.has(f);
  return { fileNames: fileNames.filter(keep), skippedJsx: [...jsx].filter((f) => !keep(f)).length };
}
