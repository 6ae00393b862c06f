/**
 * `nyx dlq list | show <run> | redrive <run> | redrive --all`. Works without a
 * running control plane: it opens the database and Redis itself, and a
 * redrive relays the re-queued runs at once (a running `nyx start` would too).
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../shared/config/config.js';
import { ControlPlane } from '../control-plane/control-plane.js';
import {
  deadLetterDeps,
  listDeadLetterSummaries,
  redriveAllDeadLetters,
  redriveDeadLetter,
  showDeadLetter,
  type RedriveAllResult,
} from '../control-plane/dead-letters/index.js';
import { createLogger } from '../shared/logging/logger.js';
import { resolveWorkflowRegistry } from '../workers/load-workflow-modules.js';
import { action } from './exit.js';
import { UsageError } from './usage-error.js';
import { intOption } from './options.js';
import { terminalTable } from './terminal-table.js';

async function withDeadLetters<T>(body: (deps: ReturnType<typeof deadLetterDeps>, cp: ControlPlane, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // The workers' registry: a payload is redriven only if some workflow runs it.
  const registry = await resolveWorkflowRegistry(config.workflowModules);
  const cp = await ControlPlane.open({ config, redisUrl: config.redisUrl, log: createLogger('nyx', config.logLevel), registry });
  try {
    await cp.assertMigrated();
    return await body(deadLetterDeps(cp, { registry, maxPayloadBytes: config.maxPayloadBytes }), cp, config);
  } finally {
    await cp.close();
  }
}

function describeResult(result: RedriveAllResult): string {
  switch (result.outcome) {
    case 'redriven':
      return `redriven\t${result.runId}\t→ ${result.queue} (after ${result.previousAttempts} attempt(s))`;
    case 'already-redriven':
      return `already redriven\t${result.runId}\t(run is ${result.status})`;
    case 'refused':
      return `stays dead\t${result.runId}\t${result.reason}`;
  }
}

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('the dead-letter queue: dead runs with their payload, reason and attempts');

  dlq
    .command('list')
    .description('list dead letters, oldest first')
    .option('--json', 'one JSON array')
    .option('--limit <n>', 'at most this many', intOption(1, 1_000_000), 1_000)
    .action(
      action(async (opts: { json?: boolean; limit: number }) => {
        const rows = await withDeadLetters((deps) => listDeadLetterSummaries(deps, opts.limit));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows)}\n`);
        if (rows.length === 0) return void process.stdout.write('the dead-letter queue is empty\n');
        const table = terminalTable(['run', 'workflow', 'reason', 'attempts', 'failed at', 'run status', 'error']);
        for (const r of rows) {
          table.push([r.runId, r.workflow ?? '-', r.reason, r.attemptsMade, r.failedAt ?? '-', r.runStatus ?? '(no run)', r.error.slice(0, 80)]);
        }
        process.stdout.write(`${table.toString()}\n${rows.length} dead letter(s)\n`);
      }),
    );

  dlq
    .command('show')
    .description('one dead letter as JSON: payload, reason, error, attempt history, and the run')
    .argument('<runId>', 'run id (or the dead-letter job id)')
    .action(
      action(async (runId: string) => {
        const details = await withDeadLetters((deps) => showDeadLetter(deps, runId));
        process.stdout.write(`${JSON.stringify(details, null, 2)}\n`);
      }),
    );

  dlq
    .command('redrive')
    .description("re-validate a dead run's payload against the current schema and queue it again (an invalid one stays dead)")
    .argument('[runId]', 'run id')
    .option('--all', 'every dead letter')
    .option('--no-relay', 'only write the outbox; leave sending to a running `nyx start`')
    .action(
      action(async (runId: string | undefined, opts: { all?: boolean; relay: boolean }) => {
        if (Boolean(runId) === Boolean(opts.all)) throw new UsageError('give one run id, or --all');
        const results = await withDeadLetters(async (deps, cp) => {
          const done = opts.all ? await redriveAllDeadLetters(deps) : [await redriveDeadLetter(deps, runId!)];
          if (opts.relay) await cp.relayNow();
          return done;
        });
        for (const result of results) process.stdout.write(`${describeResult(result)}\n`);
        if (results.some((r) => r.outcome === 'refused')) process.exitCode = 1;
      }),
    );
}
