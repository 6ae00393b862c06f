/**
 * `nyx schedules create|list|pause|resume|delete`. Needs PostgreSQL only; a
 * running `nyx start` (any of them) fires the schedules.
 */
import Table from 'cli-table3';
import type { Command } from 'commander';
import { loadConfig } from '../shared/config/config.js';
import { Schedules } from '../control-plane/schedules.js';
import { openOrm } from '../control-plane/db/orm.js';
import { action } from './exit.js';

async function withSchedules<T>(body: (schedules: Schedules) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const orm = await openOrm({ databaseUrl: config.databaseUrl, pgliteDataDir: config.dataDir });
  try {
    return await body(new Schedules(() => orm.em.fork()));
  } finally {
    await orm.close();
  }
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function registerSchedulesCommand(program: Command): void {
  const schedules = program.command('schedules').description('recurring spawns: cron + time zone + task ids, fired once per slot');

  schedules
    .command('create')
    .description('create a schedule (prints it as JSON)')
    .argument('<name>', 'unique name: lower-case letters, digits, dashes')
    .argument('<taskIds...>', 'tasks spawned at each slot')
    .requiredOption('--cron <expression>', 'cron expression: 5 fields, or 6 with seconds first ("*/10 * * * * *")')
    .option('--tz <zone>', 'IANA time zone the expression is read in', 'UTC')
    .option('--paused', 'create it paused')
    .action(
      action(async (name: string, taskIds: string[], opts: { cron: string; tz: string; paused?: boolean }) => {
        print(await withSchedules((s) => s.create({ name, cron: opts.cron, timeZone: opts.tz, taskIds, paused: opts.paused ?? false })));
      }),
    );

  schedules
    .command('list')
    .description('list schedules with their next fire time and last fire')
    .option('--json', 'one JSON array')
    .action(
      action(async (opts: { json?: boolean }) => {
        const rows = await withSchedules((s) => s.list());
        if (opts.json) return void process.stdout.write(`${JSON.stringify(rows)}\n`);
        if (rows.length === 0) return void process.stdout.write('no schedules\n');
        const table = new Table({ head: ['name', 'cron', 'time zone', 'tasks', 'state', 'next fire', 'last slot', 'lag ms'] });
        for (const r of rows) {
          table.push([
            r.name,
            r.cron,
            r.timeZone,
            r.taskIds.length,
            r.paused ? 'paused' : 'active',
            r.nextFireAt ?? '-',
            r.lastFire?.slot ?? '-',
            r.lastFire?.lagMs ?? '-',
          ]);
        }
        process.stdout.write(`${table.toString()}\n`);
      }),
    );

  for (const [name, description] of [
    ['pause', 'stop firing a schedule (slots while paused are never fired)'],
    ['resume', 'fire a paused schedule again, from the next slot on'],
  ] as const) {
    schedules
      .command(name)
      .description(description)
      .argument('<name>', 'schedule name')
      .action(
        action(async (scheduleName: string) => {
          print(await withSchedules((s) => s[name](scheduleName)));
        }),
      );
  }

  schedules
    .command('delete')
    .description('delete a schedule and its fire history (the runs it spawned stay)')
    .argument('<name>', 'schedule name')
    .action(
      action(async (name: string) => {
        await withSchedules((s) => s.delete(name));
        process.stdout.write(`deleted\t${name}\n`);
      }),
    );
}
