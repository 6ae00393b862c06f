/**
 * CPU seconds spent by each party during a phase, to see which one a phase
 * is bound by: this process (process.cpuUsage), the worker processes and the
 * local PostgreSQL backends serving the bench's database (utime + stime from
 * /proc/<pid>/stat, Linux; found by the database name in their process
 * title, so other databases' work is not counted, nor the shared WAL writer
 * and checkpointer), and Redis (INFO cpu: the whole server, so on a Redis
 * that others use at the same time it counts their commands too). A party
 * that cannot be read is null, not a guess.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export interface CpuSeconds {
  controlPlane: number;
  workers: number | null;
  redis: number | null;
  postgres: number | null;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in s (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function procCpu(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Backends of this host's PostgreSQL connected to `database` (title: `postgres: <cluster>: <user> <database> <client> <state>`). */
function postgresPids(database: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return false;
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(' ').includes(database);
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

async function redisCpu(redis: Redis): Promise<number | null> {
  const info = await redis.info('cpu');
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  return user && sys ? Number(user) + Number(sys) : null;
}

interface Snapshot {
  own: NodeJS.CpuUsage;
  workers: (number | null)[];
  redis: number | null;
  postgres: Map<number, number>;
}

export class CpuMeter {
  #start: Snapshot | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly workerPids: () => number[],
    /** The bench's database, whose backends are counted. */
    private readonly database: string,
  ) {}

  async #snapshot(): Promise<Snapshot> {
    const postgres = new Map<number, number>();
    for (const pid of postgresPids(this.database)) {
      const cpu = procCpu(pid);
      if (cpu !== null) postgres.set(pid, cpu);
    }
    return { own: process.cpuUsage(), workers: this.workerPids().map(procCpu), redis: await redisCpu(this.redis), postgres };
  }

  async start(): Promise<void> {
    this.#start = await this.#snapshot();
  }

  async stop(): Promise<CpuSeconds> {
    const end = await this.#snapshot();
    const start = this.#start!;
    const own = process.cpuUsage(start.own);
    const workers = end.workers.every((v, i) => v !== null && start.workers[i] != null)
      ? end.workers.reduce<number>((sum, v, i) => sum + (v! - start.workers[i]!), 0)
      : null;
    // Backends come and go (pool connections); one that started during the phase counts from zero.
    let postgres: number | null = end.postgres.size > 0 ? 0 : null;
    for (const [pid, cpu] of end.postgres) postgres! += cpu - (start.postgres.get(pid) ?? 0);
    const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      controlPlane: r2((own.user + own.system) / 1e6)!,
      workers: r2(workers),
      redis: r2(end.redis !== null && start.redis !== null ? end.redis - start.redis : null),
      postgres: r2(postgres),
    };
  }
}
