/**
 * bench/footprint: the server's memory (resident set, VmRSS) and time to ready, as `npm start` runs
 * it (scripts/start.mjs: the esbuild bundle, built beforehand so no start measures a build), on
 * PGlite (the embedded default) and on PostgreSQL.
 *
 *   npm run bench -- footprint [options]      (or: npx tsx bench/footprint/run.ts [options])
 *
 *   --backend postgres|pglite|both default both
 *   --restarts 3                   starts on the existing database, for the time to ready
 *   --settle 20                    seconds of idleness before a "settled" RSS is read
 *   --pg-url postgres://postgres@127.0.0.1:5432/postgres
 *                                  server on which a fresh database is created and then dropped
 *   --keep-db                      keep the PostgreSQL database (and the PGlite directory)
 *   --no-write                     do not rewrite the footprint section of docs/benchmarks.md
 *
 * For each backend: (1) a first start on an empty database with the default configuration (the
 * demo city, catalog and datasets): RSS when the server answers, RSS once the demo datasets have
 * loaded in the background, and the peak (VmHWM); then (2) `--restarts` starts on that existing
 * database: the time from the process's start to the first answer of GET /api/health, RSS at that
 * moment, RSS after `--settle` seconds idle. The server runs its jobs (as by default) and logs at
 * info level (the bench reads "demo datasets loaded"). Goals (issue 11): PostgreSQL ≤ 150 MB, PGlite
 * ≤ 350 MB, ready ≤ 3 s on an existing database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildServer, serverBuildNeeded } from '../../scripts/server-build.mjs';
import { ensureWebBuild } from '../../scripts/web-build.mjs';
import { trackCpu } from '../ingest/cpu.ts';
import { postgresServer } from '../lib/postgres.ts';
import {
  ROOT,
  commandLine,
  commandSentence,
  log,
  machine,
  median,
  writeDocs,
  writeRawFigures,
} from '../lib/report.ts';

const GOAL_RSS_MB = { postgres: 150, pglite: 350 } as const;
const GOAL_READY_S = 3;

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    restarts: { type: 'string', default: '3' },
    settle: { type: 'string', default: '20' },
    'pg-url': {
      type: 'string',
      default: process.env.HUITONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'keep-db': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
if (!['postgres', 'pglite', 'both'].includes(args.backend ?? ''))
  throw new Error(`--backend must be postgres, pglite or both, got ${args.backend ?? ''}`);
const backends = (args.backend === 'both' ? ['pglite', 'postgres'] : [args.backend]) as Backend[];
const restarts = Number(args.restarts);
const settleSeconds = Number(args.settle);
const COMMAND_LINE = commandLine('footprint');
const { dbUrl, admin } = postgresServer(args['pg-url'] ?? '');

type Backend = 'pglite' | 'postgres';

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Seconds from the spawn to the first answer of GET /api/health. */
  readySeconds: number;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `node scripts/start.mjs` (what `npm start` runs) and waits for GET /api/health to answer. */
async function start(env: Record<string, string>, onSpawn?: (pid: number) => void): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: '0',
      HOST: '127.0.0.1',
      HUITONG_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) onSpawn?.(child.pid);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let url = '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${out}`);
    if (performance.now() - t0 > 300_000) throw new Error(`the server did not start:\n${out}`);
    const port = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(out)?.[1];
    if (port) {
      url = `http://127.0.0.1:${port}`;
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
    }
    await sleep(10);
  }
  const readySeconds = (performance.now() - t0) / 1000;
  if (!child.pid) throw new Error('no pid');
  return {
    child,
    pid: child.pid,
    url,
    readySeconds,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function backendPids(dbName: string | null): Promise<number[]> {
  if (!dbName) return [];
  const c = new pg.Client({ connectionString: dbUrl('postgres') });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [dbName]);
    return r.rows.map((row) => row.pid);
  } finally {
    await c.end();
  }
}

interface BackendFigures {
  backend: Backend;
  first: {
    readySeconds: number;
    rssAtReady: number;
    demoSeconds: number;
    rssAfterDemo: number;
    rssAfterDemoSettled: number;
    peak: number;
    othersCpu: number;
  };
  restarts: {
    readySeconds: number;
    rssAtReady: number;
    rssSettled: number;
    peak: number;
    othersCpu: number;
  }[];
}

async function measure(backend: Backend): Promise<BackendFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-footprint-'));
  let dbName: string | null = null;
  const env: Record<string, string> = { HUITONG_DATA_DIR: dataDir };
  if (backend === 'postgres') {
    dbName = `huitong_bench_footprint_${Date.now().toString(36)}`;
    await admin((c) => c.query(`create database ${dbName}`));
    env.DATABASE_URL = dbUrl(dbName);
  }
  try {
    // (1) First start on an empty database: the demo city and catalog, then the datasets.
    log(`${backend}: first start (empty database, demo)`);
    const live: { pid?: number } = {};
    const probe = trackCpu(async () => [...(live.pid ? [live.pid] : []), ...(await backendPids(dbName))]);
    const first = await start(env, (pid) => (live.pid = pid));
    const rssAtReady = memoryOf(first.pid).rss;
    const demoStarted = performance.now();
    while (!/"msg":"demo datasets loaded"/.test(first.output())) {
      if (/loading the demo datasets failed/.test(first.output()))
        throw new Error(`demo datasets failed:\n${first.output().slice(-3000)}`);
      if (performance.now() - demoStarted > 1_800_000) throw new Error('demo datasets: no end after 30 min');
      await sleep(200);
    }
    const demoSeconds = (performance.now() - demoStarted) / 1000;
    const rssAfterDemo = memoryOf(first.pid).rss;
    log(`${backend}: demo datasets loaded in ${demoSeconds.toFixed(0)} s; settling ${settleSeconds} s`);
    await sleep(settleSeconds * 1000);
    const { rss: rssAfterDemoSettled, peak } = memoryOf(first.pid);
    const othersCpu = await probe.stop();
    await first.stop();
    const firstFigures = {
      readySeconds: first.readySeconds,
      rssAtReady,
      demoSeconds,
      rssAfterDemo,
      rssAfterDemoSettled,
      peak,
      othersCpu,
    };
    // (2) Starts on the existing database.
    const again: BackendFigures['restarts'] = [];
    for (let i = 0; i < restarts; i++) {
      log(`${backend}: start ${i + 1}/${restarts} on the existing database`);
      const running: { pid?: number } = {};
      const p = trackCpu(async () => [...(running.pid ? [running.pid] : []), ...(await backendPids(dbName))]);
      const server = await start(env, (pid) => (running.pid = pid));
      const atReady = memoryOf(server.pid).rss;
      await sleep(settleSeconds * 1000);
      const settled = memoryOf(server.pid);
      const others = await p.stop();
      await server.stop();
      again.push({
        readySeconds: server.readySeconds,
        rssAtReady: atReady,
        rssSettled: settled.rss,
        peak: settled.peak,
        othersCpu: others,
      });
    }
    return { backend, first: firstFigures, restarts: again };
  } finally {
    if (!args['keep-db']) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (dbName) await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
    } else log(`kept ${dbName ?? dataDir}`);
  }
}

async function postgresReachable(): Promise<string | null> {
  try {
    return await admin(async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]?.v ?? '');
  } catch {
    return null;
  }
}

const started = new Date();
const t0 = performance.now();
log('building the web app and the server if stale (not measured)');
ensureWebBuild({ quiet: true });
if (serverBuildNeeded()) await buildServer();
const pgVersion = backends.includes('postgres') ? await postgresReachable() : null;
const results: BackendFigures[] = [];
const skipped: string[] = [];
for (const backend of backends) {
  if (backend === 'postgres' && pgVersion === null) {
    if (args.backend === 'postgres') throw new Error(`PostgreSQL at ${args['pg-url']} is not reachable`);
    skipped.push(`PostgreSQL at ${args['pg-url']} was not reachable: skipped.`);
    continue;
  }
  results.push(await measure(backend));
}
const seconds = (performance.now() - t0) / 1000;
const raw = writeRawFigures('footprint', started, { args, results });
log(`raw figures in ${path.relative(ROOT, raw)}`);

const mb = (x: number) => `${Math.round(x)} MB`;
const s1 = (x: number) => `${x.toFixed(1)} s`;
const pct = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x * 100)} %`);
const NAMES: Record<Backend, string> = { pglite: 'PGlite (embedded default)', postgres: 'PostgreSQL' };

const verdicts: string[] = [];
const rows: string[] = [];
for (const r of results) {
  const goal = GOAL_RSS_MB[r.backend];
  const steady = Math.max(
    r.first.rssAtReady,
    r.first.rssAfterDemoSettled,
    ...r.restarts.map((x) => x.rssSettled),
  );
  const ready = median(r.restarts.map((x) => x.readySeconds));
  verdicts.push(
    `${NAMES[r.backend]}: highest settled RSS ${mb(steady)} (goal ≤ ${goal} MB: ${steady <= goal ? 'met' : 'not met'}), ready in ${s1(ready)} on an existing database (median; goal ≤ ${GOAL_READY_S} s: ${ready <= GOAL_READY_S ? 'met' : 'not met'})`,
  );
  rows.push(
    `| ${NAMES[r.backend]} | first start (empty database) | ${s1(r.first.readySeconds)} | ${mb(r.first.rssAtReady)} | ${mb(r.first.rssAfterDemo)} (${Math.round(r.first.demoSeconds)} s) → ${mb(r.first.rssAfterDemoSettled)} | ${mb(r.first.peak)} | ${pct(r.first.othersCpu)} |`,
  );
  for (const [i, x] of r.restarts.entries())
    rows.push(
      `| ${NAMES[r.backend]} | start ${i + 1} on the existing database | ${s1(x.readySeconds)} | ${mb(x.rssAtReady)} | ${mb(x.rssSettled)} | ${mb(x.peak)} | ${pct(x.othersCpu)} |`,
    );
}
const met = results.every((r) =>
  [
    Math.max(r.first.rssAtReady, r.first.rssAfterDemoSettled, ...r.restarts.map((x) => x.rssSettled)) <=
      GOAL_RSS_MB[r.backend],
    median(r.restarts.map((x) => x.readySeconds)) <= GOAL_READY_S,
  ].every(Boolean),
);

const section = [
  `${commandSentence(COMMAND_LINE, started, seconds)}.`,
  '',
  `Machine: ${machine()}${pgVersion ? `; ${pgVersion.split(',')[0]}` : ''}. The server, PostgreSQL and the benchmark share the machine; "CPU taken by others": share of all CPUs used meanwhile by processes other than the benchmark, the server and its PostgreSQL backends (other work on a shared machine slows the start and the demo load, and delays garbage collection).`,
  '',
  `The server is \`node scripts/start.mjs\` (what \`npm start\` runs: the esbuild bundle in apps/server/dist, built before the first measurement), default configuration (demo city, catalog and datasets; jobs on), log level info. RSS is the server process's VmRSS; "settled" is read after ${settleSeconds} s without requests; peak is VmHWM. On PostgreSQL the database's own processes are not counted. Ready: from the process's start to the first answer of \`GET /api/health\`.`,
  '',
  `**${met ? 'Goals met' : 'Goal NOT met'}:** ${verdicts.join('; ')}.`,
  ...(skipped.length ? ['', ...skipped] : []),
  '',
  '| Backend | Start | Ready | RSS at ready | RSS after the demo datasets loaded → settled (load time) / RSS settled | Peak RSS | CPU taken by others |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
console.log(section);
if (!args['no-write']) await writeDocs('footprint', 'Footprint', section);
