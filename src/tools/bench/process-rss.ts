/**
 * Resident memory of a process, from /proc/<pid>/status (Linux): VmRSS is
 * what it holds now, VmHWM the most it ever held. Elsewhere both are null
 * and the report says so rather than guessing.
 */
import { readFileSync } from 'node:fs';

export interface ProcessRss {
  pid: number;
  rssMb: number | null;
  peakRssMb: number | null;
}

export function readProcessRss(pid: number): ProcessRss {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
    };
    return { pid, rssMb: kb('VmRSS'), peakRssMb: kb('VmHWM') };
  } catch {
    return { pid, rssMb: null, peakRssMb: null };
  }
}

/** This process: `process.memoryUsage().rss` now, and the peak from resourceUsage (kB). */
export function ownRss(): ProcessRss {
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { pid: process.pid, rssMb: mb(process.memoryUsage().rss), peakRssMb: mb(process.resourceUsage().maxRSS * 1024) };
}
