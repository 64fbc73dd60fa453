/**
 * Where a V8 CPU profile (`node --cpu-prof`) spends its time: self time by function, and by file, with
 * the files grouped into the stages of an ingest.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds of the monotonic clock (that of `process.hrtime`). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  functions: { name: string; where: string; ms: number }[];
  files: { file: string; ms: number }[];
}

const ROOT = path.resolve(import.meta.dirname, '../..');

function shortFile(url: string): string {
  if (!url) return '(native)';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  return p.startsWith(ROOT) ? path.relative(ROOT, p) : p;
}

/**
 * Self time by function and file; with `window` (microseconds of the monotonic clock,
 * `process.hrtime.bigint() / 1000n` in any process of the machine), only the samples taken in it.
 */
export function summariseProfile(
  file: string,
  top = 25,
  window?: { fromUs: number; toUs: number },
): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + delta / 1000);
  }
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  const files = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    totalMs += ms;
    const file = shortFile(node.callFrame.url);
    const where = `${file}:${node.callFrame.lineNumber + 1}`;
    const key = `${name}@${where}`;
    const f = functions.get(key) ?? { name, where, ms: 0 };
    f.ms += ms;
    functions.set(key, f);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  return {
    totalMs,
    functions: [...functions.values()].sort((a, b) => b.ms - a.ms).slice(0, top),
    files: [...files.entries()]
      .map(([f, ms]) => ({ file: f, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}

/**
 * The main thread's profile of the newest run in a directory: of the profiles written since `since`
 * (the process's threads each write one, tsx's loader thread too), the largest.
 */
export function mainProfile(dir: string, since: number): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).mtimeMs >= since)
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return files[0] ?? null;
}
