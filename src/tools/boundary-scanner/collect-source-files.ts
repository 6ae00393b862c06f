/**
 * Finds the TypeScript and JavaScript sources of the scanned project. Build output, installed
 * packages and declaration files are skipped: the scanner judges the code the
 * project's authors wrote, and must work when node_modules is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectJsxFiles } from './jsx-selection.js';
import { NoTypeScriptFilesError } from './no-typescript-files-error.js';
import { ScanPathNotFoundError } from './scan-path-not-found-error.js';

const IGNORED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'coverage']);
/** What `check-boundary` reads: TypeScript and JavaScript sources, JSX included. */
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
const SOURCE_FILE = /\.([cm]?[jt]s|[jt]sx)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** Bundles and minified output are build artifacts even outside dist/. */
const GENERATED_FILE = /\.min\.[cm]?js$/;

export interface SourceFileSet {
  /** Absolute directory that findings are reported relative to. */
  rootDir: string;
  /** Absolute paths, sorted. */
  fileNames: string[];
  /** `.tsx`/`.jsx` files left out as irrelevant (see jsx-selection.ts). */
  skippedJsx: number;
  /** `name` of every package.json in the tree: a monorepo's own packages (`@acme/database`). */
  workspacePackages: string[];
}

/**
 * Accepts a directory (scanned recursively) or a single source file.
 * @throws ScanPathNotFoundError when the path does not exist
 * @throws NoTypeScriptFilesError when it contains no scannable source file
 */
export function collectSourceFiles(scanPath: string): SourceFileSet {
  const absolute = path.resolve(scanPath);
  if (!fs.existsSync(absolute)) throw new ScanPathNotFoundError(scanPath);
  const stat = fs.statSync(absolute);
  const rootDir = stat.isDirectory() ? absolute : path.dirname(absolute);
  const packageJsons: string[] = [];
  const fileNames = stat.isDirectory() ? walk(absolute, packageJsons) : [absolute].filter(isScannable);
  if (fileNames.length === 0) throw new NoTypeScriptFilesError(scanPath);
  // A single file named on the command line is always read.
  const selection = stat.isDirectory() ? selectJsxFiles(fileNames.sort()) : { fileNames, skippedJsx: 0 };
  return { rootDir, ...selection, workspacePackages: packageJsons.map(packageName).filter((n): n is string => !!n) };
}

function packageName(fileName: string): string | undefined {
  try {
    const { name } = JSON.parse(fs.readFileSync(fileName, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name.length > 0 ? name : undefined;
  } catch {
    return undefined; // a broken package.json only costs the name fallback for that package
  }
}

function walk(dir: string, packageJsons: string[]): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    // Symlinked directories are not followed: they can loop, and they usually
    // point at packages rather than at the project's own code.
    if (entry.isDirectory()) {
      if (!IGNORED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) found.push(...walk(full, packageJsons));
    } else if (entry.isFile() && entry.name === 'package.json') {
      packageJsons.push(full);
    } else if (entry.isFile() && isScannable(full)) {
      found.push(full);
    }
  }
  return found;
}

function isScannable(fileName: string): boolean {
  return SOURCE_FILE.test(fileName) && !DECLARATION_FILE.test(fileName) && !GENERATED_FILE.test(fileName);
}
