/**
 * How much CPU other processes took while something ran: the machine's busy time (/proc/stat) less
 * this process, its waited-for children (psql) and the processes named by `pids()` (the server, its
 * PostgreSQL backends), sampled every 200 ms so that a process that ends before the stop (a psql
 * session's backend) still counts with its last sample. Linux only; elsewhere NaN.
 */
import fs from 'node:fs';
import os from 'node:os';

const HZ = 100;

function machineBusySeconds(): number {
  const f = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / HZ;
}

/** utime + stime, and (for this process) cutime + cstime of waited-for children. */
function pidSeconds(pid: number | 'self', children = false): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return (children ? own + Number(f[13]) + Number(f[14]) : own) / HZ;
  } catch {
    return null;
  }
}

export interface CpuTracker {
  /** Share of all CPUs (0–1) taken by other processes since the start, or NaN. */
  stop(): Promise<number>;
}

export function trackCpu(pids: () => Promise<number[]> | number[]): CpuTracker {
  if (!fs.existsSync('/proc/stat')) return { stop: async () => NaN };
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const self0 = pidSeconds('self', true) ?? 0;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async () => {
    for (const pid of await pids()) {
      const s = pidSeconds(pid);
      if (s === null) continue;
      if (!first.has(pid)) first.set(pid, s);
      last.set(pid, s);
    }
  };
  let sampling = sample();
  const timer = setInterval(() => {
    sampling = sampling.then(sample, () => undefined);
  }, 200);
  return {
    async stop() {
      clearInterval(timer);
      await sampling.then(sample, () => undefined);
      const elapsed = (performance.now() - t0) / 1000;
      const busy = machineBusySeconds() - busy0;
      const self = (pidSeconds('self', true) ?? 0) - self0;
      let tracked = 0;
      for (const [pid, s] of last) tracked += s - (first.get(pid) ?? s);
      const others = busy - self - tracked;
      return elapsed > 0 ? Math.min(1, Math.max(0, others / (elapsed * os.cpus().length))) : NaN;
    },
  };
}
