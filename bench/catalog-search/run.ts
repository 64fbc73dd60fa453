/**
 * bench/catalog-search: catalog search under load, Huitong against a bare Fastify + driver baseline
 * running the same SQL, on PGlite and on PostgreSQL.
 *
 *   npm run bench -- catalog-search [options]      (or: npx tsx bench/catalog-search/run.ts [options])
 *
 *   --backend pglite|postgres|both   default both (PostgreSQL first: it computes the search vectors
 *                                    that PGlite then reuses)
 *   --entries 20000                  published entries to generate and load
 *   --requests postgres=400,pglite=150
 *                                    measured requests per client count and server (a number: both)
 *   --warmup 32                      warm-up requests before each measurement (after a first pass
 *                                    over every URL on both servers, which also checks the answers)
 *   --clients 1,16                   client counts
 *   --max-seconds 90                 cap on one measurement (the report says when it was hit)
 *   --seed 20260                     generator seed
 *   --loader bulk|repository         how entries are written (see load.ts)
 *   --pg-url postgres://postgres@127.0.0.1:5432/postgres
 *                                    server on which a fresh database is created and then dropped
 *   --keep-db                        keep the PostgreSQL database afterwards (to investigate)
 *   --no-write                       do not rewrite docs/benchmarks.md
 *
 * For each backend: a fresh database (PGlite in memory; a new PostgreSQL database), the real app
 * (`buildApp`, demo city, no demo catalog, no logger), N deterministic published entries, then, per
 * client count, a fixed number of requests over the mixed query set (queries.ts) against both
 * endpoints — Huitong, then the baseline on the same URLs. Prints Markdown and rewrites the "Catalog
 * search" section of docs/benchmarks.md; raw figures and query plans go to bench/out/.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../apps/server/src/app.ts';
import { loadConfig, type Config } from '../../apps/server/src/config/config.ts';
import * as catalog from '../../apps/server/src/modules/catalog/catalog.service.ts';
import { toTsQuery } from '../../apps/server/src/modules/catalog/search-text.ts';
import { DEMO_PASSWORD } from '../../apps/server/src/demo/city.ts';
import { openDatabase, POOL_SIZE, type BackendName, type BenchDatabase } from './backend.ts';
import { buildBaseline, classify, type SearchStatements } from './baseline.ts';
import { runLoad, type LoadRequest, type LoadResult } from './client.ts';
import { startCpuProbe } from './cpu.ts';
import { generateCatalog, prng, type GeneratedEntry } from './generate.ts';
import { loadCatalog, verifyBulkLoad, type Loader } from './load.ts';
import { querySpecs, requestPath, type Endpoint, type QuerySpec } from './queries.ts';
import { ms, ratio, shuffled, summarise, summarisePlan, type PlanSummary, type Summary } from './stats.ts';
import {
  ROOT,
  commandLine,
  commandSentence,
  log,
  machine,
  writeDocs,
  writeRawFigures,
} from '../lib/report.ts';

const GOAL_P95_MS = 30;
const GOAL_CLIENTS = 16;
/** Huitong and the baseline alternate in this many rounds per client count. */
const ROUNDS = 4;
/** Rows of the slow-query tables. */
const SLOW_ROWS = 8;

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    entries: { type: 'string', default: '20000' },
    requests: { type: 'string', default: 'postgres=400,pglite=150' },
    warmup: { type: 'string', default: '32' },
    clients: { type: 'string', default: '1,16' },
    'max-seconds': { type: 'string', default: '90' },
    seed: { type: 'string', default: '20260' },
    loader: { type: 'string', default: 'bulk' },
    'pg-url': {
      type: 'string',
      default: process.env.HUITONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'no-write': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const positiveInt = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
  return n;
};
/** `400` (every backend) or `postgres=400,pglite=150`. */
function perBackend(v: string | undefined): Record<BackendName, number> {
  const text = v ?? '';
  if (/^\d+$/.test(text)) return { postgres: Number(text), pglite: Number(text) };
  const out: Record<BackendName, number> = { postgres: 0, pglite: 0 };
  for (const part of text.split(',')) {
    const [k, n] = part.split('=');
    if ((k !== 'postgres' && k !== 'pglite') || !/^\d+$/.test(n ?? ''))
      throw new Error(`--requests must be a number or postgres=N,pglite=N, got ${text}`);
    out[k] = Number(n);
  }
  return out;
}
const options = {
  backends: (args.backend === 'both' ? ['postgres', 'pglite'] : [args.backend]) as BackendName[],
  entries: positiveInt('entries', args.entries),
  requests: perBackend(args.requests),
  warmup: positiveInt('warmup', args.warmup),
  clients: (args.clients ?? '1,16').split(',').map((c) => positiveInt('clients', c)),
  maxSeconds: positiveInt('max-seconds', args['max-seconds']),
  seed: positiveInt('seed', args.seed),
  loader: args.loader as Loader,
  pgUrl: args['pg-url'] ?? '',
  write: !args['no-write'],
  keepDb: args['keep-db'] ?? false,
};
if (!['pglite', 'postgres', 'both'].includes(args.backend ?? ''))
  throw new Error(`--backend must be pglite, postgres or both, got ${args.backend ?? ''}`);
if (!['bulk', 'repository'].includes(args.loader ?? ''))
  throw new Error(`--loader must be bulk or repository, got ${args.loader ?? ''}`);

type Target = 'huitong' | 'baseline';

interface Measurement {
  target: Target;
  clients: number;
  /** Requests asked for; fewer were sent when the time cap was hit. */
  planned: number;
  /** Share of the machine's CPU taken by other processes meanwhile (0–1, NaN if unknown). */
  othersCpu: number;
  /** The same per round: [share, seconds]. */
  othersCpuRounds: [number, number][];
  all: Summary;
  byEndpoint: Record<Endpoint, Summary>;
  /** Per URL (index into urls): latencies, for the slow-query table. */
  perUrl: Summary[];
}

interface UrlInfo {
  spec: QuerySpec;
  endpoint: Endpoint;
  path: string;
  tsQuery: string | null;
  total: number;
  statements: SearchStatements;
}

interface ExplainRow {
  url: number;
  statement: keyof SearchStatements;
  plan: PlanSummary;
  text: string;
}

interface BackendResult {
  backend: BackendName;
  version: string;
  loadSeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  verified: number;
  /** Huitong's in-memory search index: time to build it from the database, and the heap it added. */
  memoryIndexSeconds: number;
  memoryIndexMb: number;
  urls: UrlInfo[];
  mismatches: string[];
  measurements: Measurement[];
  explains: ExplainRow[];
  loadavgBefore: number[];
  loadavgAfter: number[];
}

async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function testConfig(): Config {
  return {
    ...loadConfig({ HUITONG_LOG_LEVEL: 'silent', HUITONG_DEMO: '1' }),
    demoCatalog: false,
    signInRatePerMinute: 10_000,
    jobs: false,
  };
}

async function signIn(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-in',
    payload: { username, password: DEMO_PASSWORD },
  });
  const cookie = res.cookies.find((c) => c.name === 'huitong_sid');
  if (res.statusCode !== 200 || !cookie) throw new Error(`sign-in of ${username} failed: ${res.statusCode}`);
  return `huitong_sid=${cookie.value}`;
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Drops the GIN indexes of catalog_versions for the load and recreates them from their own definitions. */
async function withoutGinIndexes(d: BenchDatabase, load: () => Promise<void>): Promise<number> {
  const defs = await d.raw.query(
    `select indexname, indexdef from pg_indexes where tablename = 'catalog_versions' and indexdef like '%USING gin%'`,
  );
  for (const r of defs) await d.raw.query(`drop index ${String(r.indexname)}`);
  await load();
  const t = performance.now();
  for (const r of defs) await d.raw.query(String(r.indexdef));
  return (performance.now() - t) / 1000;
}

async function runBackend(backend: BackendName, entries: readonly GeneratedEntry[]): Promise<BackendResult> {
  const loadavgBefore = os.loadavg();
  log(`${backend}: opening a fresh database`);
  const d = await openDatabase(backend, options.pgUrl);
  const servers: FastifyInstance[] = [];
  try {
    const { app } = await buildApp(testConfig(), { database: d.handle, logger: false });
    servers.push(app);

    log(`${backend}: loading ${entries.length} entries (${options.loader})`);
    let last = 0;
    let load!: Awaited<ReturnType<typeof loadCatalog>>;
    const indexSeconds = await withoutGinIndexes(d, async () => {
      load = await loadCatalog(d.handle.db, entries, {
        loader: options.loader,
        batchSize: options.loader === 'bulk' ? 500 : 250,
        parallel: backend === 'postgres' ? 2 : 1,
        onProgress: (n) => {
          if (n - last >= 5000 || n === entries.length) {
            last = n;
            log(`${backend}:   ${n} loaded`);
          }
        },
      });
    });
    let t = performance.now();
    await d.raw.query('vacuum analyze');
    const vacuumSeconds = (performance.now() - t) / 1000;
    log(
      `${backend}: loaded in ${load.seconds.toFixed(1)} s, GIN indexes ${indexSeconds.toFixed(1)} s, vacuum analyze ${vacuumSeconds.toFixed(1)} s`,
    );
    const verified = options.loader === 'bulk' ? await verifyBulkLoad(d.handle.db, load.prepared, 20) : 0;
    if (verified) log(`${backend}: ${verified} bulk-loaded entries identical to the repository path`);

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    t = performance.now();
    await catalog.searchIndexOf(d.handle.db).refresh();
    const memoryIndexSeconds = (performance.now() - t) / 1000;
    global.gc?.();
    const memoryIndexMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    log(
      `${backend}: in-memory search index of ${catalog.searchIndexOf(d.handle.db).size} entries built in ${memoryIndexSeconds.toFixed(1)} s, heap +${memoryIndexMb.toFixed(0)} MB`,
    );

    const cookie = await signIn(app, 'scjg.user');
    const specs = querySpecs(load.orgIds);
    const urls: UrlInfo[] = [];
    for (const spec of specs) {
      for (const endpoint of ['open', 'staff'] as const) {
        const filter = {
          ...spec.filters,
          q: spec.q,
          ...(endpoint === 'open' ? { openCatalogOnly: true } : {}),
        };
        // The baseline runs the SQL search (what Huitong ran before its in-memory index).
        const { result, statements } = await d.capture((db) => catalog.sqlSearch(db, filter, 1, 20));
        const st = classify(statements);
        const tsQuery = spec.q?.trim() ? toTsQuery(spec.q) : null;
        urls.push({
          spec,
          endpoint,
          path: requestPath(endpoint, spec),
          tsQuery,
          total: result.total,
          statements: st,
        });
      }
    }
    const byUrl = new Map(urls.map((u) => [u.path, u.statements]));
    const baseline = await buildBaseline(d.raw, byUrl);
    servers.push(baseline);
    const ports: Record<Target, number> = { huitong: await listen(app), baseline: await listen(baseline) };

    // A first pass over every URL on both servers: warms them up and checks they answer alike.
    const mismatches: string[] = [];
    for (const u of urls) {
      const headers = u.endpoint === 'staff' ? { cookie } : undefined;
      const get = async (target: Target) => {
        const res = await fetch(`http://127.0.0.1:${ports[target]}${u.path}`, { headers });
        if (res.status !== 200) throw new Error(`${target} ${u.path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as { total: number; items: { id: string }[] };
      };
      const [h, b] = [await get('huitong'), await get('baseline')];
      const ids = (r: typeof h) => r.items.map((i) => i.id).join(',');
      if (h.total !== b.total || ids(h) !== ids(b) || h.total !== u.total)
        mismatches.push(`${u.path}: Huitong ${h.total}, baseline ${b.total}`);
    }
    if (mismatches.length)
      log(`${backend}: ${mismatches.length} URLs answer differently:\n  ${mismatches.join('\n  ')}`);

    const requests = urls.map((u): LoadRequest => ({
      path: u.path,
      headers: u.endpoint === 'staff' ? { cookie } : {},
    }));
    const planned = options.requests[backend];
    const rand = prng(options.seed);
    const order: number[] = [];
    while (order.length < Math.max(planned, options.warmup))
      order.push(
        ...shuffled(
          urls.map((_, i) => i),
          rand,
        ),
      );
    // The warm-up sends the last requests of the cycle, the measurement starts at its beginning.
    const warmOrder = order.slice(-options.warmup);

    // Huitong and the baseline take turns, in ROUNDS rounds each, so that a change in the machine's
    // load during the run does not fall on one of them only. Each round goes on along the sequence.
    const measurements: Measurement[] = [];
    for (const clients of options.clients) {
      const targets = ['huitong', 'baseline'] as const;
      const runs: Record<Target, LoadResult[]> = { huitong: [], baseline: [] };
      /** CPU share taken by other processes, and seconds, per round. */
      const others: Record<Target, [number, number][]> = { huitong: [], baseline: [] };
      for (const target of targets) {
        const job = { port: ports[target], requests, concurrency: clients, maxSeconds: options.maxSeconds };
        if (options.warmup > 0) await runLoad({ ...job, order: warmOrder, total: options.warmup });
      }
      log(`${backend}: ${clients} client(s), ${planned} requests each, in ${ROUNDS} alternating rounds`);
      for (let round = 0; round < ROUNDS; round++) {
        const from = Math.floor((planned * round) / ROUNDS);
        const total = Math.floor((planned * (round + 1)) / ROUNDS) - from;
        for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
          const job = {
            port: ports[target],
            requests,
            concurrency: clients,
            maxSeconds: options.maxSeconds / ROUNDS,
            order: [...order.slice(from), ...order.slice(0, from)],
            total,
          };
          const probe = startCpuProbe(await d.backendPids());
          const r = await runLoad(job);
          others[target].push([probe.stop(await d.backendPids()), r.seconds]);
          runs[target].push(r);
        }
      }
      for (const target of targets) {
        const parts = runs[target];
        const latencies = parts.flatMap((p) => [...p.latencies]);
        const which = parts.flatMap((p) => [...p.which]);
        const seconds = parts.reduce((a, p) => a + p.seconds, 0);
        const errors = parts.reduce((a, p) => a + p.errors, 0);
        const firstError = parts.find((p) => p.firstError)?.firstError;
        if (errors) log(`${backend}: ${target}: ${errors} errors, first: ${firstError ?? ''}`);
        if (latencies.length + errors < planned)
          log(`${backend}: ${target}: time cap hit, ${latencies.length} of ${planned} requests done`);
        const of = (keep: (i: number) => boolean) => latencies.filter((_, k) => keep(which[k] ?? -1));
        const m: Measurement = {
          target,
          clients,
          planned,
          othersCpu: others[target].reduce((a, [share, sec]) => a + share * sec, 0) / seconds,
          othersCpuRounds: others[target],
          all: summarise(latencies, seconds, errors),
          byEndpoint: {
            open: summarise(
              of((i) => urls[i]?.endpoint === 'open'),
              seconds,
              0,
            ),
            staff: summarise(
              of((i) => urls[i]?.endpoint === 'staff'),
              seconds,
              0,
            ),
          },
          perUrl: urls.map((_, i) =>
            summarise(
              of((j) => j === i),
              seconds,
              0,
            ),
          ),
        };
        log(
          `${backend}:   ${target}: p50 ${ms(m.all.p50)} ms, p95 ${ms(m.all.p95)} ms, p99 ${ms(m.all.p99)} ms, ${m.all.throughput.toFixed(0)} req/s`,
        );
        measurements.push(m);
      }
    }

    // Where the time goes in the database: each statement once, alone, with EXPLAIN ANALYZE — of every
    // URL on PostgreSQL, of the slowest URLs (by Huitong's p50 with the fewest clients) on PGlite.
    const single = measurements.find(
      (m) => m.target === 'huitong' && m.clients === Math.min(...options.clients),
    );
    const bySlowness = urls
      .map((_, i) => i)
      .sort((a, b) => (single?.perUrl[b]?.p50 ?? 0) - (single?.perUrl[a]?.p50 ?? 0));
    const slowest = bySlowness[0] ?? 0;
    const explained = backend === 'postgres' ? bySlowness : bySlowness.slice(0, SLOW_ROWS);
    log(`${backend}: EXPLAIN ANALYZE of ${explained.length * 4} statements`);
    const explains: ExplainRow[] = [];
    t = performance.now();
    for (const i of explained) {
      const u = urls[i];
      if (!u) continue;
      for (const key of ['rows', 'count', 'grouped', 'domains'] as const) {
        const s = u.statements[key];
        const [json] = await d.raw.query(`explain (analyze, buffers, format json) ${s.sql}`, s.parameters);
        const plan = summarisePlan(Object.values(json ?? {})[0]);
        explains.push({ url: i, statement: key, plan, text: '' });
      }
    }
    // The full text plans of the slowest URL.
    for (const row of explains.filter((e) => e.url === slowest)) {
      const s = urls[slowest]?.statements[row.statement];
      if (!s) continue;
      const lines = await d.raw.query(`explain (analyze, buffers) ${s.sql}`, s.parameters);
      row.text = lines.map((l) => String(Object.values(l)[0])).join('\n');
    }
    log(`${backend}: explained in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    return {
      backend,
      version: d.version,
      loadSeconds: load.seconds,
      indexSeconds,
      vacuumSeconds,
      verified,
      memoryIndexSeconds,
      memoryIndexMb,
      urls,
      mismatches,
      measurements,
      explains,
      loadavgBefore,
      loadavgAfter: os.loadavg(),
    };
  } finally {
    for (const s of servers.reverse()) await s.close().catch(() => undefined);
    await d.raw.close().catch(() => undefined);
    const keep = options.keepDb && backend === 'postgres';
    await d.drop(keep).catch((err: unknown) => log(`${backend}: could not drop the database`, err));
    if (keep) log(`${backend}: kept the database ${d.url ?? ''}`);
  }
}

// ---------- report ----------

const LABEL: Record<BackendName, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };
/** As typed: bench/run.mjs passes its own command line; otherwise this file run with tsx. */
const COMMAND_LINE = commandLine('catalog-search');

function mainTable(results: readonly BackendResult[]): string {
  const lines = [
    '| Backend | Server | Clients | Requests | p50 ms | p95 ms | p99 ms | req/s | p50 Huitong/baseline | p95 Huitong/baseline | req/s Huitong/baseline | CPU taken by others |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    for (const clients of options.clients) {
      const h = r.measurements.find((m) => m.target === 'huitong' && m.clients === clients);
      const b = r.measurements.find((m) => m.target === 'baseline' && m.clients === clients);
      for (const m of [h, b]) {
        if (!m) continue;
        const isH = m.target === 'huitong';
        lines.push(
          `| ${LABEL[r.backend]} | ${isH ? 'Huitong' : 'baseline'} | ${clients} | ${m.all.requests}${m.all.requests + m.all.errors < m.planned ? ` of ${m.planned} (time cap)` : ''}${m.all.errors ? `, ${m.all.errors} errors` : ''} | ${ms(m.all.p50)} | ${ms(m.all.p95)} | ${ms(m.all.p99)} | ${m.all.throughput.toFixed(0)} | ` +
            (isH && b
              ? `${ratio(m.all.p50, b.all.p50)} | ${ratio(m.all.p95, b.all.p95)} | ${ratio(m.all.throughput, b.all.throughput)} |`
              : ' |  |  |') +
            ` ${pct(m.othersCpu)} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

function endpointTable(results: readonly BackendResult[]): string {
  const lines = [
    '| Backend | Clients | Endpoint | Huitong p50 | Huitong p95 | baseline p50 | baseline p95 | p95 ratio |',
    '|---|--:|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of results)
    for (const clients of options.clients)
      for (const e of ['open', 'staff'] as const) {
        const h = r.measurements.find((m) => m.target === 'huitong' && m.clients === clients)?.byEndpoint[e];
        const b = r.measurements.find((m) => m.target === 'baseline' && m.clients === clients)?.byEndpoint[e];
        if (!h || !b) continue;
        lines.push(
          `| ${LABEL[r.backend]} | ${clients} | ${e === 'open' ? 'GET /api/open/catalog (anonymous)' : 'GET /api/catalog/entries (staff)'} | ${ms(h.p50)} | ${ms(h.p95)} | ${ms(b.p50)} | ${ms(b.p95)} | ${ratio(h.p95, b.p95)} |`,
        );
      }
  return lines.join('\n');
}

function dbTime(r: BackendResult, url: number) {
  const part = (k: keyof SearchStatements) =>
    r.explains.find((e) => e.url === url && e.statement === k)?.plan.executionMs ?? NaN;
  return { rows: part('rows'), count: part('count'), grouped: part('grouped'), domains: part('domains') };
}

function slowTable(r: BackendResult, top: number): string {
  const single = r.measurements.find(
    (m) => m.target === 'huitong' && m.clients === Math.min(...options.clients),
  );
  const base = r.measurements.find(
    (m) => m.target === 'baseline' && m.clients === Math.min(...options.clients),
  );
  if (!single || !base) return '';
  const order = single.perUrl
    .map((s, i) => [s.p50, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, top);
  const lines = [
    `| Query | Endpoint | Matches | Huitong p50 ms | baseline p50 ms | DB: rows / count / facets / domains ms |`,
    '|---|---|--:|--:|--:|---|',
  ];
  for (const [, i] of order) {
    const u = r.urls[i];
    if (!u) continue;
    const t = dbTime(r, i);
    lines.push(
      `| ${u.spec.label} | ${u.endpoint} | ${u.total} | ${ms(single.perUrl[i]?.p50 ?? NaN)} | ${ms(base.perUrl[i]?.p50 ?? NaN)} | ${ms(t.rows)} / ${ms(t.count)} / ${ms(t.grouped)} / ${ms(t.domains)} |`,
    );
  }
  return lines.join('\n');
}

function planDigest(r: BackendResult): string {
  const single = r.measurements.find(
    (m) => m.target === 'huitong' && m.clients === Math.min(...options.clients),
  );
  if (!single) return '';
  const slowest = single.perUrl.reduce((best, s, i, all) => (s.p50 > (all[best]?.p50 ?? 0) ? i : best), 0);
  const u = r.urls[slowest];
  if (!u) return '';
  const out = [`Slowest URL: \`${u.path}\` (${u.total} matches, tsquery \`${u.tsQuery ?? '—'}\`).`, ''];
  for (const e of r.explains.filter((x) => x.url === slowest)) {
    const top = e.plan.nodes
      .slice(0, 3)
      .map((n) => `${n.label} ${ms(n.selfMs)} ms (${n.rows} rows)`)
      .join('; ');
    out.push(`- ${e.statement}: ${ms(e.plan.executionMs)} ms — ${top}`);
  }
  return out.join('\n');
}

function sumDb(
  r: BackendResult,
): { avg: number; grouped: number; domains: number; rows: number; count: number } | null {
  const n = r.urls.length;
  if (r.explains.length < n * 4) return null;
  const s = { rows: 0, count: 0, grouped: 0, domains: 0 };
  for (let i = 0; i < n; i++) {
    const t = dbTime(r, i);
    s.rows += t.rows;
    s.count += t.count;
    s.grouped += t.grouped;
    s.domains += t.domains;
  }
  return {
    avg: (s.rows + s.count + s.grouped + s.domains) / n,
    rows: s.rows / n,
    count: s.count / n,
    grouped: s.grouped / n,
    domains: s.domains / n,
  };
}

const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '?');

/** A warning when other processes took a noticeable share of the CPUs during the measurements. */
function busyNote(results: readonly BackendResult[]): string[] {
  const shares = results.flatMap((r) => r.measurements.map((m) => m.othersCpu)).filter(Number.isFinite);
  const worst = Math.max(0, ...shares);
  if (worst < 0.1) return [];
  return [
    `**The machine was not quiet:** other processes took up to ${pct(worst)} of its CPU during a measurement ` +
      '(last column). Absolute latencies are inflated by that; Huitong and the baseline alternate in rounds, so ' +
      'their ratios are the more reliable figures.',
    '',
  ];
}

function report(results: readonly BackendResult[], started: Date, totalSeconds: number): string {
  const pg = results.find((r) => r.backend === 'postgres');
  const goal = pg?.measurements.find((m) => m.target === 'huitong' && m.clients === GOAL_CLIENTS);
  const goalLine = goal
    ? goal.all.p95 <= GOAL_P95_MS
      ? `**Goal met:** p95 at ${GOAL_CLIENTS} clients on PostgreSQL is ${ms(goal.all.p95)} ms (goal ≤ ${GOAL_P95_MS} ms).`
      : `**Goal NOT met:** p95 at ${GOAL_CLIENTS} clients on PostgreSQL is ${ms(goal.all.p95)} ms, above the goal of ${GOAL_P95_MS} ms.`
    : `Goal (p95 ≤ ${GOAL_P95_MS} ms at ${GOAL_CLIENTS} clients on PostgreSQL): not measured in this run.`;
  const la = (v: number[]) => v.map((x) => x.toFixed(1)).join(' / ');
  const urlsCount = results[0]?.urls.length ?? 0;
  const parts = [
    `${commandSentence(COMMAND_LINE, started, totalSeconds)}.`,
    '',
    `Machine: ${machine()}; ` +
      results.map((r) => r.version).join('; ') +
      `. Load average (1/5/15 min) when the run started: ${la(START_LOADAVG)}. ` +
      'Server, database and load client share the machine; the client runs in a worker thread. ' +
      '"CPU taken by others": share of all CPUs used by processes other than the benchmark and its PostgreSQL backends during the measurement.',
    '',
    `Data: ${options.entries.toLocaleString('en')} published entries generated from seed ${options.seed} (bench/catalog-search/generate.ts), ` +
      `loaded with the ${options.loader} loader in ` +
      results
        .map(
          (r) =>
            `${ms(r.loadSeconds)} s on ${LABEL[r.backend]} (+ ${ms(r.indexSeconds)} s GIN indexes, ${ms(r.vacuumSeconds)} s vacuum analyze${r.verified ? `; ${r.verified} entries checked identical to the repository path` : ''}; Huitong's in-memory search index built from it in ${ms(r.memoryIndexSeconds)} s, ${r.memoryIndexMb.toFixed(0)} MB of heap)`,
        )
        .join(', ') +
      '.',
    '',
    `Workload: ${urlsCount / 2} queries (full words, parts of words, pinyin, initials, two words, one character, facet filters alone and combined, no text) × 2 endpoints = ${urlsCount} URLs, ` +
      `in a fixed shuffled order (seeded). After a first pass over every URL on both servers (warm-up, and a check that they answer alike), ` +
      `per client count and server ${options.warmup} more warm-up requests, then, in ${ROUNDS} rounds alternating between Huitong and the baseline (ABBA…), ` +
      results.map((r) => `${options.requests[r.backend]} measured on ${LABEL[r.backend]}`).join(', ') +
      ` (each measurement capped at ${options.maxSeconds} s). Latency is request sent → last byte read. Page 1, 20 per page; the staff endpoint with a signed-in session cookie. ` +
      `Huitong answers from its in-memory search index (catalog.search-index.ts: matching, ts_rank_cd ranking, facets and paging in the process; one indexed read of the generation counter per search). ` +
      `Baseline: a bare Fastify server on the same database with the driver alone (pool of ${POOL_SIZE} on PostgreSQL, like Huitong's), running the SQL search for that URL — the statements of \`sqlSearch\` (ranked page, count, grouping-sets facets, domain facet; recorded, same parameters and tsquery text) with the same overlap, i.e. the straightforward PostgreSQL full-text way; ratio = Huitong / baseline.` +
      (results.some((r) => r.mismatches.length)
        ? ` **Answers differed for ${results.reduce((s, r) => s + r.mismatches.length, 0)} URLs** (see bench/out).`
        : ' Both servers gave the same total and the same first page for every URL.'),
    '',
    ...busyNote(results),
    ...skipped.map((s) => `**${s}**\n`),
    goalLine,
    '',
    mainTable(results),
    '',
    'By endpoint:',
    '',
    endpointTable(results),
  ];
  for (const r of results) {
    const db = sumDb(r);
    parts.push(
      '',
      `### Slowest queries on ${LABEL[r.backend]} (${Math.min(...options.clients)} client${Math.min(...options.clients) > 1 ? 's' : ''})`,
      '',
      'Where the baseline spends its time. DB: execution time of each of the four statements of the SQL search run alone under EXPLAIN ANALYZE.' +
        (db
          ? ` Averaged over all ${r.urls.length} URLs: ${ms(db.avg)} ms a search (rows ${ms(db.rows)}, count ${ms(db.count)}, ` +
            `grouping-sets facets ${ms(db.grouped)}, domain facet ${ms(db.domains)}).`
          : ''),
      '',
      slowTable(r, SLOW_ROWS),
      '',
      planDigest(r),
    );
  }
  return parts.join('\n');
}

// ---------- main ----------

const START_LOADAVG = os.loadavg();
const started = new Date();
const t0 = performance.now();
log(`generating ${options.entries} entries (seed ${options.seed})`);
const entries = generateCatalog(options.entries, options.seed);
const results: BackendResult[] = [];
const skipped: string[] = [];
for (const backend of options.backends) {
  if (backend === 'postgres' && !(await postgresReachable(options.pgUrl))) {
    const why = `PostgreSQL is not reachable at ${options.pgUrl}`;
    // Asked for by name it is an error; as part of "both" the run goes on without it, and says so.
    if (args.backend === 'postgres') throw new Error(why);
    log(`${why}: measuring PGlite only`);
    skipped.push(`${why}; PostgreSQL was not measured.`);
    continue;
  }
  results.push(await runBackend(backend, entries));
}
const totalSeconds = (performance.now() - t0) / 1000;

const section = report(results, started, totalSeconds);
console.log(`\n## Catalog search\n\n${section}\n`);

const outFile = writeRawFigures('catalog-search', started, {
  command: COMMAND_LINE,
  options,
  started,
  totalSeconds,
  results: results.map((r) => ({
    ...r,
    urls: r.urls.map((u) => ({
      label: u.spec.label,
      endpoint: u.endpoint,
      path: u.path,
      tsQuery: u.tsQuery,
      total: u.total,
      statements: u.statements,
    })),
  })),
});
log(`raw figures and plans: ${path.relative(ROOT, outFile)}`);
if (options.write) await writeDocs('catalog-search', 'Catalog search', section);
