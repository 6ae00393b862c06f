/**
 * Entry point of a worker process (`nyx worker`, or spawned by the demo).
 * The boundary guard is installed first, before anything else is imported.
 */
import { forbidOrmImports, resolvedModules } from './forbid-orm-imports.js';

forbidOrmImports();

const { runWorker } = await import('./run-worker.js');
runWorker({ reportModulesTo: process.env.NYX_REPORT_MODULES_TO, resolvedModules }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof Error && error.name === 'ConfigError' ? 2 : 1);
});
