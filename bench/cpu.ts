// CPU time per component, from /proc (Linux): a process, every PostgreSQL process, the whole machine.
// bench:search and bench:scale say with it what a request costs, beside what it waited: which
// component took the time, and whether the cores were busy at all.
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** The CPU seconds (user + system) a process has used; 0 when it is gone or there is no /proc. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime
  } catch {
    return 0;
  }
}

/** Every PostgreSQL backend and helper process on this machine (a shared server's other work adds noise). */
export function postgresCpuSeconds(): number {
  let total = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += procCpuSeconds(Number(d));
    } catch {}
  }
  return total;
}

/** Seconds of CPU the machine was busy and in all, summed over its cores, since boot. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
    const v = (line ?? '').split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / TICK, total: total / TICK };
  } catch {
    return { busy: 0, total: 0 };
  }
}
