/**
 * The scanned path holds no TypeScript or JavaScript sources (after skipping
 * node_modules, dist, build output and declaration files). Reported as a usage error (exit code 2): a clean
 * result over zero files would be a silent false "all good".
 */
export class NoTypeScriptFilesError extends Error {
  constructor(readonly scanPath: string) {
    super(`no .ts/.tsx/.mts/.js/.mjs files found under ${scanPath} (node_modules, dist, build and .d.ts files are skipped)`);
    this.name = this.constructor.name;
  }
}
