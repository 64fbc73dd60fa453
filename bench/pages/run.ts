/**
 * bench/pages: 100-row pages at random depths of a 1,000,000-row version, read by 16 concurrent
 * clients from `GET /api/provision/entries/:id/rows` of the real server process on PostgreSQL —
 * (a) by key, `after=<nextPageToken>`; (b) by offset, `page=<n>` (for comparison: it reads and skips
 * every row before the page); (c) the baseline, a bare Fastify + pg server running the same keyset
 * query (`select _row, c1::text, … from resource_data.v_x where _row > $1 order by _row limit 100`)
 * and answering JSON; and (a′) as (a) on a second server process whose V8 runs without
 * `--optimize-for-size` (apps/server/src/v8-settings.ts sets it; a preloaded module makes that call
 * skip it), to show what that setting costs here; and, to split (a)'s cost, (d) the session alone
 * (`GET /api/auth/me`) and (e) the whole request with a one-row page (`pageSize=1`).
 *
 *   npm run bench -- pages [options]      (or: npx tsx bench/pages/run.ts [options])
 *
 *   --rows 1000000         rows of the version
 *   --requests 4000        measured requests of (a), (a′) and (c), a quarter of it of (d) and (e),
 *                          each after --warmup requests
 *   --offset-requests 1000 measured requests of (b) (each reads half the table on average)
 *   --warmup 200
 *   --clients 16           concurrent clients (closed loop, keep-alive)
 *   --seed 12              the random pages
 *   --pg-url postgres://postgres@127.0.0.1:5432/postgres
 *                          server on which a fresh database is created and then dropped
 *   --no-variant           leave out (a′)
 *   --profile              run the server with --cpu-prof and print where its time went during (a)
 *                          (profiles in bench/out/pages-profile/)
 *   --keep-db              keep the database afterwards
 *   --no-write             do not rewrite the "Deep pages" section of docs/benchmarks.md
 *
 * Set-up (not measured, as bench/export): the server starts on a fresh database as an operator starts
 * it (demo city and catalog, no job worker), scjg.provider uploads three rows of the register to
 * 市场主体登记注册信息, and the version's table is filled to N rows by COPY
 * (bench/lib/enterprise-version.ts). That server is stopped, and the measured ones start on the
 * database as a server in service restarts (the demo already there), each then asked one catalog
 * search (which loads the catalog's in-memory index, as in service). The version is walked once, page
 * after page of 100 following `nextPageToken`, keeping every page's token (not measured, but its time
 * is reported: one client reading every page in turn). Every measured request asks for a page chosen
 * at random (uniformly) among all pages but the first; (a), (a′), (b) and (c) are checked beforehand
 * to answer the same rows for the same pages. Goal (issue 12): (a) p99 ≤ 50 ms.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import type { ColumnSpec } from '../../apps/server/src/modules/provision/versions/versions.store.ts';
import { runLoad, type LoadRequest, type LoadResult } from '../catalog-search/client.ts';
import { prng } from '../catalog-search/generate.ts';
import { ms, summarise, type Summary } from '../catalog-search/stats.ts';
import { trackCpu } from '../ingest/cpu.ts';
import { mainProfile, summariseProfile, type ProfileSummary } from '../ingest/profile.ts';
import { ENTRY_NAME } from '../ingest/generate.ts';
import { api, startServer, type RunningServer } from '../ingest/server.ts';
import { enterpriseVersion } from '../lib/enterprise-version.ts';
import { postgresServer } from '../lib/postgres.ts';
import {
  ROOT,
  commandLine,
  commandSentence,
  log,
  machine,
  median,
  n0,
  writeDocs,
  writeRawFigures,
} from '../lib/report.ts';

const GOAL_P99_MS = 50;
const PAGE_SIZE = 100;
const BASELINE_POOL = 16;
/** Pages checked to be the same rows in (a), (b) and (c) before measuring. */
const CHECKED_PAGES = 20;
/** Depth bands of the per-depth table. */
const BANDS = 5;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '4000' },
    'offset-requests': { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    clients: { type: 'string', default: '16' },
    seed: { type: 'string', default: '12' },
    'pg-url': {
      type: 'string',
      default: process.env.HUITONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'no-variant': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
const whole = (name: string, min: number) => {
  const v = String((args as Record<string, unknown>)[name]);
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${v}`);
  return n;
};
const rows = whole('rows', PAGE_SIZE * 3);
const requests = whole('requests', 1);
const offsetRequests = whole('offset-requests', 0);
const warmup = whole('warmup', 0);
const clients = whole('clients', 1);
const seed = whole('seed', 0);
const pgUrl = args['pg-url'] ?? '';
const COMMAND_LINE = commandLine('pages');
const pages = Math.ceil(rows / PAGE_SIZE);

const { dbUrl, admin } = postgresServer(pgUrl);

interface Page {
  rows: { row: number; values: Record<string, string | null> }[];
  nextPageToken?: string | null;
}

/** GET of a JSON answer on a keep-alive connection. */
function getJson<T>(agent: http.Agent, url: string, cookie?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve(JSON.parse(text) as T);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The baseline: Fastify and a pg pool, the keyset query, the rows as JSON in Huitong's shape. */
async function buildBaseline(pool: pg.Pool, table: string, columns: ColumnSpec[]): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const text = `select _row, ${columns.map((c) => `"${c.column}"::text`).join(', ')} from "resource_data"."${table}" where _row > $1 order by _row limit ${PAGE_SIZE}`;
  app.get<{ Querystring: { after?: string } }>('/rows', async (request) => {
    const r = await pool.query({ text, values: [Number(request.query.after ?? 0)], rowMode: 'array' });
    const out = (r.rows as unknown[][]).map((row) => ({
      row: Number(row[0]),
      values: Object.fromEntries(columns.map((c, i) => [c.name, (row[i + 1] ?? null) as string | null])),
    }));
    return { rows: out, next: out.length === PAGE_SIZE ? out.at(-1)?.row : null };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

type Target = 'keyset' | 'keyset-v8' | 'offset' | 'baseline' | 'session' | 'page1';

interface Measurement {
  target: Target;
  planned: number;
  all: Summary;
  /** By depth band (fifths of the version), p50 and p99. */
  bands: { p50: number; p99: number; requests: number }[];
  /** Share of the machine's CPU taken by other processes meanwhile (0–1, NaN if unknown). */
  othersCpu: number;
  /**
   * CPU ms a request: of the server process (for the baseline, the benchmark's process less what the
   * clients took a request in the Huitong runs) and of the database's backends.
   */
  cpu: { serverMs: number; serverSystemMs: number; databaseMs: number; clientMs: number };
  /** When the measured requests ran, in microseconds of the monotonic clock. */
  window: { fromUs: number; toUs: number };
}

/** CPU seconds (user + system, or system only) of a process, 0 when it is gone. */
function cpuSeconds(pid: number | 'self', systemOnly = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((systemOnly ? 0 : Number(f[11])) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Preloaded into the (a′) server: its call `v8.setFlagsFromString('--optimize-for-size')`
 * (apps/server/src/v8-settings.ts) does nothing; the other settings apply.
 */
const SKIP_OPTIMIZE_FOR_SIZE = `import v8 from 'node:v8';
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => { if (flags.trim() !== '--optimize-for-size') set(flags); };`;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

// ---------- main ----------

const started = new Date();
const t0 = performance.now();
const dbName = `huitong_bench_pages_${Date.now().toString(36)}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-bench-pages-'));
await admin((c) => c.query(`create database ${dbName}`));
const pgVersion = await admin(async (c) => {
  const r = await c.query<{ v: string }>("select split_part(version(), ' on ', 1) as v");
  return r.rows[0]?.v ?? 'PostgreSQL';
});
let server: RunningServer | null = null;
let variant: RunningServer | null = null;
let baseline: FastifyInstance | null = null;
const url = dbUrl(dbName);
const pool = new pg.Pool({ connectionString: url, max: BASELINE_POOL });
const monitor = new pg.Client({ connectionString: url });
try {
  const setup = await startServer({ HUITONG_DATA_DIR: dataDir, DATABASE_URL: url });
  log(`set-up server ${setup.pid} at ${setup.url}`);
  const v = await enterpriseVersion(setup.url, url, dataDir, rows).finally(() => setup.stop());

  const profileDir = path.join(ROOT, 'bench/out/pages-profile');
  if (args.profile) fs.mkdirSync(profileDir, { recursive: true });
  const profileSince = Date.now();
  const inService = async (nodeFlags: string[]) => {
    const s = await startServer({ HUITONG_DATA_DIR: dataDir, DATABASE_URL: url }, nodeFlags);
    await api(s.url, v.session, 'GET', `/api/catalog/entries?q=${encodeURIComponent(ENTRY_NAME)}`);
    return s;
  };
  server = await inService(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  log(`server ${server.pid} at ${server.url}`);
  if (!args['no-variant']) {
    variant = await inService([
      `--import=data:text/javascript,${encodeURIComponent(SKIP_OPTIMIZE_FOR_SIZE)}`,
    ]);
    log(`server without --optimize-for-size ${variant.pid} at ${variant.url}`);
  }
  await monitor.connect();
  const backendPids = async () =>
    (
      await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName])
    ).rows.map((r) => r.pid);
  const rowsPath = `/api/provision/entries/${v.entryId}/rows?pageSize=${PAGE_SIZE}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  // Collect the page tokens: tokens[p] is the `after` of page p (2 ≤ p ≤ pages).
  log(`walking the ${n0(pages)} pages once to collect their tokens (not measured)`);
  const tokens: string[] = [];
  const walkMs: number[] = [];
  const walkStarted = performance.now();
  let token: string | null | undefined;
  for (let p = 1; p <= pages; p++) {
    const t = performance.now();
    const page = await getJson<Page>(
      agent,
      `${server.url}${rowsPath}${token ? `&after=${token}` : ''}`,
      v.session.cookie,
    );
    walkMs.push(performance.now() - t);
    if (page.rows[0]?.row !== (p - 1) * PAGE_SIZE + 1)
      throw new Error(`page ${p} of the walk starts at row ${page.rows[0]?.row}`);
    token = page.nextPageToken;
    if (p < pages) {
      if (!token) throw new Error(`page ${p} of ${pages} has no nextPageToken`);
      tokens[p + 1] = token;
    }
    if (p % 2000 === 0) log(`  page ${n0(p)}, ${((performance.now() - walkStarted) / 1000).toFixed(0)} s`);
  }
  const walkSeconds = (performance.now() - walkStarted) / 1000;
  const walk = summarise(walkMs, walkSeconds, 0);
  log(`walk: ${walkSeconds.toFixed(1)} s (${ms(walk.mean)} ms a page on average, p99 ${ms(walk.p99)} ms)`);

  pool.on('error', () => undefined);
  baseline = await buildBaseline(pool, v.table, v.columns);
  const baselinePort = (baseline.server.address() as { port: number }).port;
  const servers: Partial<Record<Target, RunningServer>> = {
    keyset: server,
    offset: server,
    session: server,
    page1: server,
    ...(variant ? { 'keyset-v8': variant } : {}),
  };
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;
  const pathOf = (target: Target, p: number): string =>
    target === 'keyset' || target === 'keyset-v8'
      ? `${rowsPath}&after=${tokens[p]}`
      : target === 'offset'
        ? `${rowsPath}&page=${p}`
        : target === 'session'
          ? '/api/auth/me'
          : target === 'page1'
            ? `${rowsPath.replace(`pageSize=${PAGE_SIZE}`, 'pageSize=1')}&after=${tokens[p]}`
            : `/rows?after=${(p - 1) * PAGE_SIZE}`;

  // The three answer the same rows for the same pages.
  const rand = prng(seed);
  const randomPage = () => 2 + Math.floor(rand() * (pages - 1));
  for (let i = 0; i < CHECKED_PAGES; i++) {
    const p = i === 0 ? pages : randomPage();
    const [a, b, c, d] = await Promise.all([
      getJson<Page>(agent, `${server.url}${pathOf('keyset', p)}`, v.session.cookie),
      getJson<Page>(agent, `${server.url}${pathOf('offset', p)}`, v.session.cookie),
      getJson<Page>(agent, `${baselineUrl}${pathOf('baseline', p)}`),
      variant ? getJson<Page>(agent, `${variant.url}${pathOf('keyset-v8', p)}`, v.session.cookie) : null,
    ]);
    const [ja, jb, jc, jd] = [a, b, c, d ?? a].map((x) => JSON.stringify(x.rows));
    if (ja !== jb || ja !== jc || ja !== jd || a.rows[0]?.row !== (p - 1) * PAGE_SIZE + 1)
      throw new Error(`page ${p}: the keyset, offset and baseline answers differ`);
  }
  agent.destroy();
  log(`checked ${CHECKED_PAGES} pages: the same rows from (a), (b) and (c)`);

  // Where the database's time goes, the statement run alone (median of 5 runs at the middle depth).
  const explainMs = async (sqlText: string, param: number) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await monitor.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
        `explain (analyze, format json) ${sqlText}`,
        [param],
      );
      times.push(r.rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? NaN);
    }
    return median(times);
  };
  const selectList = `_row, null::text as _sort, ${v.columns.map((c, i) => `"${c.column}"::text as "f${i}"`).join(', ')}`;
  const from = `"resource_data"."${v.table}"`;
  const middle = Math.floor(rows / 2 / PAGE_SIZE) * PAGE_SIZE;
  const dbKeysetMs = await explainMs(
    `select ${selectList} from ${from} where _row > $1 order by _row limit ${PAGE_SIZE}`,
    middle,
  );
  const dbOffsetMs = await explainMs(
    `select ${selectList} from ${from} order by _row offset $1 limit ${PAGE_SIZE}`,
    middle,
  );
  log(`database alone at row ${n0(middle)}: keyset ${ms(dbKeysetMs)} ms, offset ${ms(dbOffsetMs)} ms`);

  /** The clients' CPU a request, measured in the first Huitong run. */
  let clientCpuMs: number | null = null;
  const measure = async (target: Target, count: number): Promise<Measurement> => {
    const huitong = servers[target];
    const port = huitong ? Number(new URL(huitong.url).port) : baselinePort;
    const serverPid = huitong?.pid ?? process.pid;
    const headers: Record<string, string> = target === 'baseline' ? {} : { cookie: v.session.cookie };
    const job = (n: number) => {
      const chosen = Array.from({ length: n }, randomPage);
      const list: LoadRequest[] = chosen.map((p) => ({ path: pathOf(target, p), headers }));
      return {
        chosen,
        job: {
          port,
          requests: list,
          order: list.map((_, i) => i),
          total: n,
          concurrency: clients,
          maxSeconds: 3600,
        },
      };
    };
    if (warmup > 0) {
      const w = await runLoad(job(Math.min(warmup, count)).job);
      if (w.errors) throw new Error(`${target} warm-up: ${w.errors} errors, first ${w.firstError}`);
    }
    const { chosen, job: measured } = job(count);
    const probe = trackCpu(async () => [...(huitong ? [huitong.pid] : []), ...(await backendPids())]);
    const pids = await backendPids();
    const cpu0 = {
      server: cpuSeconds(serverPid),
      serverSystem: cpuSeconds(serverPid, true),
      self: cpuSeconds('self'),
      db: pids.map((pid) => cpuSeconds(pid)),
    };
    const fromUs = nowUs();
    const r: LoadResult = await runLoad(measured);
    const toUs = nowUs();
    const db = (await backendPids()).reduce(
      (sum, pid) => sum + cpuSeconds(pid) - (cpu0.db[pids.indexOf(pid)] ?? 0),
      0,
    );
    const n = r.latencies.length;
    const selfMs = ((cpuSeconds('self') - cpu0.self) * 1000) / n;
    clientCpuMs ??= target === 'baseline' ? null : selfMs;
    const cpu =
      target === 'baseline'
        ? {
            serverMs: selfMs - (clientCpuMs ?? NaN),
            serverSystemMs: NaN,
            databaseMs: (db * 1000) / n,
            clientMs: clientCpuMs ?? NaN,
          }
        : {
            serverMs: ((cpuSeconds(serverPid) - cpu0.server) * 1000) / n,
            serverSystemMs: ((cpuSeconds(serverPid, true) - cpu0.serverSystem) * 1000) / n,
            databaseMs: (db * 1000) / n,
            clientMs: selfMs,
          };
    const othersCpu = await probe.stop();
    if (r.errors) throw new Error(`${target}: ${r.errors} errors, first ${r.firstError}`);
    const byBand: number[][] = Array.from({ length: BANDS }, () => []);
    r.latencies.forEach((latency, i) => {
      const p = chosen[r.which[i] ?? 0] ?? 2;
      byBand[Math.min(BANDS - 1, Math.floor(((p - 1) / pages) * BANDS))]?.push(latency);
    });
    const m: Measurement = {
      target,
      planned: count,
      all: summarise(r.latencies, r.seconds, r.errors),
      bands: byBand.map((l) => {
        const s = summarise(l, 1, 0);
        return { p50: s.p50, p99: s.p99, requests: s.requests };
      }),
      othersCpu,
      cpu,
      window: { fromUs, toUs },
    };
    log(
      `${target}: ${m.all.requests} requests, p50 ${ms(m.all.p50)} ms, p95 ${ms(m.all.p95)} ms, p99 ${ms(m.all.p99)} ms, max ${ms(m.all.max)} ms, ${m.all.throughput.toFixed(0)} req/s, others took ${(othersCpu * 100).toFixed(0)} % CPU; CPU a request: server ${cpu.serverMs.toFixed(2)} ms (system ${cpu.serverSystemMs.toFixed(2)} ms), database ${cpu.databaseMs.toFixed(2)} ms, clients ${cpu.clientMs.toFixed(2)} ms`,
    );
    return m;
  };

  const loadStarted = (await fs.promises.readFile('/proc/loadavg', 'utf8').catch(() => '')).split(' ')[0];
  // (b) last: its requests keep PostgreSQL busy reading and skipping rows.
  const keyset = await measure('keyset', requests);
  const keysetV8 = variant ? await measure('keyset-v8', requests) : null;
  // Where (a)'s time goes: the session alone, then everything but the rows.
  const breakdown = [
    await measure('session', Math.ceil(requests / 4)),
    await measure('page1', Math.ceil(requests / 4)),
  ];
  const base = await measure('baseline', requests);
  const offset = offsetRequests > 0 ? await measure('offset', offsetRequests) : null;
  const measurements = [
    keyset,
    ...(offset ? [offset] : []),
    base,
    ...(keysetV8 ? [keysetV8] : []),
    ...breakdown,
  ];

  let profile: ProfileSummary | null = null;
  /** The same for (d) and (e), printed only. */
  const partProfiles: [Measurement, ProfileSummary][] = [];
  if (args.profile) {
    await server.stop();
    const file = mainProfile(profileDir, profileSince);
    if (file) {
      profile = summariseProfile(file, 40, keyset.window);
      for (const m of breakdown) partProfiles.push([m, summariseProfile(file, 25, m.window)]);
      log(`profile ${path.relative(ROOT, file)}`);
    }
  }

  const ratio = keyset.all.p99 / base.all.p99;
  const met = keyset.all.p99 <= GOAL_P99_MS;
  const LABEL: Record<Target, string> = {
    keyset: '(a) Huitong, by key: `…/rows?pageSize=100&after=<token>`',
    offset: '(b) Huitong, by offset: `…/rows?pageSize=100&page=<n>`',
    baseline: '(c) baseline: Fastify + pg, `… where _row > $1 order by _row limit 100`',
    'keyset-v8': '(a′) as (a), the server without `--optimize-for-size`',
    session: '(d) part of (a): the session alone, `GET /api/auth/me`',
    page1: '(e) part of (a): all but the rows, `…/rows?pageSize=1&after=<token>`',
  };
  const SHORT: Record<Target, string> = {
    keyset: '(a) by key',
    offset: '(b) by offset',
    baseline: '(c) baseline',
    'keyset-v8': '(a′) by key, without `--optimize-for-size`',
    session: '(d) session',
    page1: '(e) one row',
  };
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '–');
  const band = (i: number) => `rows ${n0((i * rows) / BANDS + 1)}–${n0(((i + 1) * rows) / BANDS)}`;
  const section = [
    `${commandSentence(COMMAND_LINE, started, (performance.now() - t0) / 1000)} (most of it the set-up).`,
    '',
    `Machine: ${machine()}; ${pgVersion}. The server, PostgreSQL, the baseline and the clients share the machine (load average ${loadStarted ?? '?'} when the measurements began; "CPU taken by others": share of all CPUs used meanwhile by processes other than the benchmark, the server and the database's backends).`,
    '',
    `Data: a version of ${ENTRY_NAME} with ${n0(rows)} rows of 12 columns (bench/ingest's generator), written into the version's table by COPY (set-up, not measured): ${n0(pages)} pages of ${PAGE_SIZE}. Reading it once, page after page following \`nextPageToken\` with one client, took ${walkSeconds.toFixed(1)} s (${ms(walk.mean)} ms a page on average, p50 ${ms(walk.p50)} ms, p99 ${ms(walk.p99)} ms${walkSeconds > 120 ? ': a long walk for one client' : ''}); that walk collected the tokens.`,
    '',
    `${clients} concurrent clients (closed loop, keep-alive, in a worker thread of the benchmark), each request a page at a random depth (uniform over pages 2–${n0(pages)}), ${n0(warmup)} warm-up requests before each measurement, run in the order (a)${keysetV8 ? ', (a′)' : ''}, (d), (e), (c), (b); latency from the request sent to the last byte read. Huitong: the built server as \`npm start\` runs it, restarted on the database after the set-up and asked one catalog search (its in-memory index loaded, as in service), scjg.provider's session cookie; each request reads the session with the account's roles, the entry, its holder, the version, then the page (five statements), and answers through the response schema (fast-json-stringify); its pool has 10 connections. (d) and (e), ${n0(Math.ceil(requests / 4))} requests each, split (a)'s cost: the session alone, and the whole request with a one-row page.${keysetV8 ? ' (a′): a second such server whose V8 runs without `--optimize-for-size` (set by apps/server/src/v8-settings.ts for the footprint, see "Footprint"; a preloaded module makes that one call do nothing).' : ''} Baseline: a bare Fastify server in the benchmark's process with a \`pg\` pool of ${BASELINE_POOL}, the keyset query alone, the same rows as JSON in Huitong's shape. All were checked to answer the same rows for ${CHECKED_PAGES} pages. CPU a request: of the server process and of the database's backends, from /proc; the baseline's is that of the benchmark's process less the clients' share measured in (a) (≈).`,
    '',
    `**Goal ${met ? 'met' : 'NOT met'}:** by key, Huitong's p99 is ${ms(keyset.all.p99)} ms (goal ≤ ${GOAL_P99_MS} ms), ${ratio.toFixed(2)} × the baseline's ${ms(base.all.p99)} ms${keysetV8 ? `; without \`--optimize-for-size\`, ${ms(keysetV8.all.p99)} ms` : ''}.`,
    '',
    '| Paging | Requests | p50 ms | p95 ms | p99 ms | max ms | req/s | p99 / baseline | Server CPU ms a request | Database CPU ms a request | CPU taken by others |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measurements.map(
      (m) =>
        `| ${LABEL[m.target]} | ${n0(m.all.requests)} | ${ms(m.all.p50)} | ${ms(m.all.p95)} | ${ms(m.all.p99)} | ${ms(m.all.max)} | ${m.all.throughput.toFixed(0)} | ${(m.all.p99 / base.all.p99).toFixed(2)}× | ${m.target === 'baseline' ? '≈ ' : ''}${m.cpu.serverMs.toFixed(2)} | ${m.cpu.databaseMs.toFixed(2)} | ${pct(m.othersCpu)} |`,
    ),
    '',
    `By depth (p50 / p99 ms of the requests for pages in each fifth of the version):`,
    '',
    `| Paging | ${Array.from({ length: BANDS }, (_, i) => band(i)).join(' | ')} |`,
    `| --- | ${Array.from({ length: BANDS }, () => '---:').join(' | ')} |`,
    ...measurements
      .filter((m) => m.target !== 'session' && m.target !== 'page1')
      .map(
        (m) => `| ${SHORT[m.target]} | ${m.bands.map((b) => `${ms(b.p50)} / ${ms(b.p99)}`).join(' | ')} |`,
      ),
    '',
    `The database alone (EXPLAIN ANALYZE of Huitong's statement at row ${n0(middle)}, median of 5): by key ${dbKeysetMs.toFixed(2)} ms, by offset ${dbOffsetMs.toFixed(1)} ms.`,
    ...(profile
      ? [
          '',
          `CPU profile of the server during (a) (\`--profile\`), self time: ${(profile.totalMs / 1000).toFixed(1)} s of JavaScript and native work in ${((keyset.window.toUs - keyset.window.fromUs) / 1e6).toFixed(1)} s, ${((profile.totalMs * 1000) / keyset.all.requests).toFixed(0)} µs a request:`,
          '',
          '| File | ms | µs a request |',
          '| --- | ---: | ---: |',
          ...profile.files
            .slice(0, 12)
            .map(
              (f) =>
                `| ${f.file} | ${f.ms.toFixed(0)} | ${((f.ms * 1000) / keyset.all.requests).toFixed(0)} |`,
            ),
        ]
      : []),
  ].join('\n');
  console.log(`\n## Deep pages\n\n${section}\n`);
  for (const [m, p] of [...(profile ? [[keyset, profile] as const] : []), ...partProfiles]) {
    console.log(
      `\nTop functions during ${LABEL[m.target]} (µs a request, ${((p.totalMs * 1000) / m.all.requests).toFixed(0)} in all):`,
    );
    for (const f of p.functions)
      console.log(`  ${((f.ms * 1000) / m.all.requests).toFixed(0).padStart(7)} µs  ${f.name}  ${f.where}`);
  }
  writeRawFigures('pages', started, {
    command: COMMAND_LINE,
    rows,
    clients,
    walk,
    measurements,
    dbKeysetMs,
    dbOffsetMs,
    fillSeconds: v.fillSeconds,
    profile,
  });
  if (!args['no-write']) await writeDocs('pages', 'Deep pages', section);
} finally {
  await baseline?.close();
  await pool.end().catch(() => undefined);
  await monitor.end().catch(() => undefined);
  await server?.stop();
  await variant?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (args['keep-db']) log(`kept database ${dbName}`);
  else await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
}
