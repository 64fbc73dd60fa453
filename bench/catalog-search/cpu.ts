/**
 * How much CPU other processes took during a measurement: the machine's busy time (/proc/stat) less
 * this process (server, baseline and client thread) and the benchmark's own PostgreSQL backends
 * (/proc/<pid>/stat). Linux only; elsewhere the figure is unknown (NaN).
 */
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const HZ = 100;

function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / HZ;
}

function pidSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / HZ; // utime, stime
  } catch {
    return 0;
  }
}

export interface CpuProbe {
  /** Share of all CPUs (0–1) taken by other processes since `start`, or NaN. */
  stop(ownPids: readonly number[]): number;
}

export function startCpuProbe(ownPids: readonly number[]): CpuProbe {
  if (!fs.existsSync('/proc/stat')) return { stop: () => NaN };
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const self0 = process.cpuUsage();
  const pids0 = new Map(ownPids.map((p) => [p, pidSeconds(p)]));
  return {
    stop(ownPidsNow) {
      const elapsed = (performance.now() - t0) / 1000;
      const busy = machineBusySeconds() - busy0;
      const self = process.cpuUsage(self0);
      let backends = 0;
      for (const pid of new Set([...ownPids, ...ownPidsNow]))
        backends += pidSeconds(pid) - (pids0.get(pid) ?? 0);
      const others = busy - (self.user + self.system) / 1e6 - backends;
      return elapsed > 0 ? Math.min(1, Math.max(0, others / (elapsed * os.cpus().length))) : NaN;
    },
  };
}
