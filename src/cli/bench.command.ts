import type { Command } from 'commander';
import { loadConfig } from '../shared/config/config.js';
import { formatBenchReport } from '../tools/bench/bench-report.js';
import { DEFAULT_BENCH_OPTIONS, runBench } from '../tools/bench/run-bench.js';
import { formatStageReport, runStageBench } from '../tools/bench/stages.bench.js';
import { PEER_PHASES, PHASES, type PhaseName } from '../tools/bench/bench-types.js';
import { InvalidArgumentError } from 'commander';
import { action } from './exit.js';
import { intOption } from './options.js';

export function registerBenchCommand(program: Command): void {
  const d = DEFAULT_BENCH_OPTIONS;
  program
    .command('bench')
    .description(
      'benchmark: raw BullMQ (A) against the full path (B: spawn → outbox → relay → worker processes → recorded), ' +
        'on DATABASE_URL or a throwaway database on 127.0.0.1:5432, and REDIS_URL or 127.0.0.1:6379 under a prefix of its own',
    )
    .option('--tasks <n>', 'jobs in A and tasks in B', intOption(1, 10_000_000), d.tasks)
    .option('--workers <n>', 'worker processes in each phase', intOption(1, 64), d.workers)
    .option('--concurrency <n>', 'jobs each worker process runs at once', intOption(1, 10_000), d.concurrency)
    .option('--batch <n>', 'task ids per spawn call and jobs per addBulk', intOption(1, 50_000), d.batchSize)
    .option('--idle-samples <n>', 'single spawns timed one by one when idle', intOption(1, 10_000), d.idleSamples)
    .option('--timeout <s>', 'give up after this many seconds', intOption(1, 86_400), d.timeoutMs / 1000)
    .option('--out <dir>', 'where the JSON report is written', d.outDir)
    .option('--phases <list>', `phases to run, comma-separated, in this order: ${PHASES.join(',')}`, phaseList, [...d.phases])
    .option('--peers <list>', `which peers to run (${PEER_PHASES.join(',')}), or "none"`, peerList)
    .option('--no-peers', 'skip the peers (A and B only)')
    .option('--repeat <k>', 'run the phases K times, alternating; the report gives median and spread', intOption(1, 100), d.repeat)
    .option('--stages', 'instead: time spawn, relay and recorder each alone (no worker processes)')
    .option('--json', 'print the report as one JSON object on the last line')
    .action(
      action(
        async (opts: {
          tasks: number;
          workers: number;
          concurrency: number;
          batch: number;
          idleSamples: number;
          timeout: number;
          out: string;
          stages?: boolean;
          json?: boolean;
          phases: PhaseName[];
          peers?: PhaseName[] | boolean;
          repeat: number;
        }) => {
          if (opts.stages) {
            const stages = await runStageBench(loadConfig(), { tasks: opts.tasks, batchSize: opts.batch, timeoutMs: opts.timeout * 1000 });
            process.stdout.write(opts.json ? `${JSON.stringify(stages)}\n` : `${formatStageReport(stages)}\n`);
            return;
          }
          const { report, file } = await runBench(loadConfig(), {
            tasks: opts.tasks,
            workers: opts.workers,
            concurrency: opts.concurrency,
            batchSize: opts.batch,
            idleSamples: opts.idleSamples,
            timeoutMs: opts.timeout * 1000,
            outDir: opts.out,
            progress: !opts.json,
            phases: selectPhases(opts.phases, opts.peers),
            repeat: opts.repeat,
          });
          if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
          else process.stdout.write(`${formatBenchReport(report)}\nreport written to ${file}\n`);
        },
      ),
    );
}

function phaseList(raw: string): PhaseName[] {
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`expected phases out of ${PHASES.join(', ')}, got "${raw}"`);
  }
  return names as PhaseName[];
}

function peerList(raw: string): PhaseName[] {
  if (raw === 'none') return [];
  const names = phaseList(raw);
  if (names.some((name) => !PEER_PHASES.includes(name)))
    throw new InvalidArgumentError(`expected peers out of ${PEER_PHASES.join(', ')} or "none", got "${raw}"`);
  return names;
}

/** --phases picks the phases; --peers narrows the peers among them (--no-peers: none). */
function selectPhases(phases: readonly PhaseName[], peers: PhaseName[] | boolean | undefined): PhaseName[] {
  if (peers === undefined || peers === true) return [...phases];
  const keep = peers === false ? [] : peers;
  return phases.filter((phase) => !PEER_PHASES.includes(phase) || keep.includes(phase));
}
