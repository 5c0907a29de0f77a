/**
 * CPU time of processes from /proc (Linux), so a scenario can be reported as CPU cost per
 * request of core, gateway and PostgreSQL. On a shared 2-core machine that cost is far steadier
 * than req/s, which swings with whatever else runs, and it is what a fix has to move.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of `pid` in ms; undefined when the process is gone (or not on Linux). */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** PIDs of the PostgreSQL backends connected to `database` (their title names it). */
export function backendPids(database: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.split(' ').includes(database)) pids.push(Number(entry));
    } catch {
      // Exited while listing.
    }
  }
  return pids;
}

/** CPU ms per named group of processes at one moment. */
export type CpuSnapshot = Map<string, Map<number, number>>;

export function snapshot(groups: Record<string, number[]>): CpuSnapshot {
  const result: CpuSnapshot = new Map();
  for (const [name, pids] of Object.entries(groups)) {
    const times = new Map<number, number>();
    for (const pid of pids) {
      const ms = cpuMs(pid);
      if (ms !== undefined) times.set(pid, ms);
    }
    result.set(name, times);
  }
  return result;
}

/** CPU ms each group used between two snapshots (a process new in `after` counts from 0). */
export function cpuUsed(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [name, times] of after) {
    let sum = 0;
    for (const [pid, ms] of times) sum += ms - (before.get(name)?.get(pid) ?? 0);
    used[name] = sum;
  }
  return used;
}

/** Busy CPU ms of the whole machine, all cores together (from /proc/stat); 0 when unavailable. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
    const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
    return (busy * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
