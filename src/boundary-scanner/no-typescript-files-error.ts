/**
 * The scanned path holds no `.ts` sources (after skipping node_modules, dist
 * and declaration files). Reported as a usage error (exit code 2): a clean
 * result over zero files would be a silent false "all good".
 */
export class NoTypeScriptFilesError extends Error {
  constructor(readonly scanPath: string) {
    super(`no .ts files found under ${scanPath} (node_modules, dist and .d.ts files are skipped)`);
    this.name = this.constructor.name;
  }
}
