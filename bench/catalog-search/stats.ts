/** Percentiles, plan summaries and other small helpers of the benchmark report. */

export interface Summary {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  throughput: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export function summarise(latencies: ArrayLike<number>, seconds: number, errors: number): Summary {
  const sorted = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    requests: sorted.length,
    errors,
    seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : NaN,
    max: sorted.length ? (sorted[sorted.length - 1] ?? NaN) : NaN,
    throughput: seconds > 0 ? sorted.length / seconds : NaN,
  };
}

export const ms = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–');
export const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';

/** Seeded Fisher–Yates shuffle (same PRNG as the generator). */
export function shuffled<T>(list: readonly T[], rand: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

// ---------- EXPLAIN (FORMAT JSON) ----------

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Strategy?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Sort Method'?: string;
  'Sort Space Type'?: string;
  'Sort Space Used'?: number;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  executionMs: number;
  planningMs: number;
  /** Nodes by time spent in the node itself, largest first. */
  nodes: { label: string; selfMs: number; rows: number }[];
}

function label(n: PlanNode): string {
  const parts = [
    n['Strategy'] && n['Node Type'] === 'Aggregate' ? `${n['Strategy']} Aggregate` : n['Node Type'],
  ];
  if (n['Relation Name']) parts.push(`on ${n['Relation Name']}`);
  if (n['Index Name']) parts.push(`using ${n['Index Name']}`);
  if (n['Sort Method'])
    parts.push(
      `(${n['Sort Method']}, ${n['Sort Space Used'] ?? '?'} kB ${n['Sort Space Type'] ?? ''})`.trim(),
    );
  return parts.join(' ');
}

export function summarisePlan(explain: unknown): PlanSummary {
  const top = (Array.isArray(explain) ? explain[0] : explain) as {
    Plan: PlanNode;
    'Execution Time': number;
    'Planning Time': number;
  };
  const nodes: PlanSummary['nodes'] = [];
  const walk = (n: PlanNode) => {
    const total = (n['Actual Total Time'] ?? 0) * (n['Actual Loops'] ?? 1);
    const children = (n.Plans ?? []).reduce(
      (s, c) => s + (c['Actual Total Time'] ?? 0) * (c['Actual Loops'] ?? 1),
      0,
    );
    nodes.push({ label: label(n), selfMs: Math.max(0, total - children), rows: n['Actual Rows'] ?? 0 });
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(top.Plan);
  nodes.sort((a, b) => b.selfMs - a.selfMs);
  return { executionMs: top['Execution Time'], planningMs: top['Planning Time'], nodes };
}
