/**
 * The application's worker process, started from its own code (no `nyx`
 * command): Redis only, no database. The import guard goes first, so nothing
 * loaded after it — the workflow module included — can reach the ORM.
 */
import { forbidOrmImports, loadWorkerConfig, startWorker } from 'nyx-orchestrator/workflow';

forbidOrmImports();

const worker = await startWorker({
  config: loadWorkerConfig({
    REDIS_URL: process.env.REDIS_URL,
    NYX_QUEUE_PREFIX: process.env.NYX_QUEUE_PREFIX,
    NYX_WORKFLOW_MODULES: new URL('./reminder.workflow.js', import.meta.url).pathname,
    LOG_LEVEL: 'warn',
  }),
});
// The parent (main.ts) waits for this before it spawns.
process.send?.({ type: 'ready' });

process.once('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
