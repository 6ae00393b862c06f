/** The machine and the servers a result was measured on, for the report. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Orm } from '../../control-plane/db/orm.js';

export interface BenchMachine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  postgresql: string;
  redis: string;
  /** 1-minute load average when the bench started: other work on a shared machine shows here. */
  loadAverage: number;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export async function describeMachine(orm: Orm, redis: Redis): Promise<BenchMachine> {
  const [pg] = await orm.em.fork().execute<{ server_version: string }[]>('show server_version');
  const info = await redis.info('server');
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgresql: pg?.server_version ?? 'unknown',
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
