/**
 * bench/export: streaming a 1,000,000-row, 12-column version of the enterprise register as CSV
 * (a) with PostgreSQL's own `psql -c "\copy (select …) to stdout with csv header"` and (b) with
 * Huitong's `GET /api/provision/entries/:id/export?format=csv` over HTTP from the real server process,
 * each read to the end by a client that only counts bytes.
 *
 *   npm run bench -- export [options]      (or: npx tsx bench/export/run.ts [options])
 *
 *   --rows 1000000       rows of the version
 *   --runs 5             measured runs of each (after a warm-up run of each that also checks that
 *                        both give the same bytes); the median is reported
 *   --pg-url postgres://postgres@127.0.0.1:5432/postgres
 *                        server on which a fresh database is created and then dropped
 *   --keep-db            keep the database afterwards
 *   --no-write           do not rewrite the export section of docs/benchmarks.md
 *
 * Set-up (not measured): the server starts on a fresh database as an operator starts it (demo city
 * and catalog), the market regulation bureau's data provider uploads three rows of the register to
 * 市场主体登记注册信息 (a real version, validated), and the version's table is then filled to N rows
 * with `COPY … FROM STDIN` of the rows bench/ingest generates (realistic Chinese names, addresses,
 * business scopes; valid credit codes). psql runs the same SELECT the export runs on the same table,
 * so the two differ only in what carries the rows: psql, or Huitong (authorization, audit, the file
 * name, HTTP). Both outputs are checked to be the same rows byte for byte (their sizes without the
 * header line, and the SM3 digest of the body). Peak RSS is VmHWM of the server process
 * (/proc/<pid>/status) from its start. Goal (issues 5 and 11): Huitong ≥ 0.7 × psql's rows/s, RSS ≤ 200 MB.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { valueSql } from '../../apps/server/src/modules/provision/export/export.repository.ts';
import { ENTRY_NAME } from '../ingest/generate.ts';
import { memoryOf, startServer } from '../ingest/server.ts';
import { enterpriseVersion } from '../lib/enterprise-version.ts';
import {
  commandLine,
  commandSentence,
  log,
  machine,
  median,
  n0,
  writeDocs,
  writeRawFigures,
} from '../lib/report.ts';
import { postgresServer } from '../lib/postgres.ts';

const GOAL_RATIO = 0.7;
const GOAL_RSS_MB = 200;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'pg-url': {
      type: 'string',
      default: process.env.HUITONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'keep-db': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
const rows = Number(args.rows);
const runs = Number(args.runs);
if (!Number.isInteger(rows) || rows < 3)
  throw new Error(`--rows must be a whole number ≥ 3, got ${args.rows}`);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive whole number, got ${args.runs}`);
const pgUrl = args['pg-url'] ?? '';
const COMMAND_LINE = commandLine('export');

const { dbUrl, admin } = postgresServer(pgUrl);

interface Measured {
  seconds: number;
  bytes: number;
  /** Bytes after the header line (and the BOM). */
  bodyBytes: number;
  sm3: string;
}

/**
 * Counts the bytes of a stream and, when `digest`, hashes everything after the first line (the
 * check run only: hashing takes CPU the measured runs should not share).
 */
function counter(digest: boolean) {
  const hash = createHash('sm3');
  let bytes = 0;
  let headerBytes = -1;
  return {
    take(c: Buffer) {
      if (headerBytes < 0) {
        const nl = c.indexOf(0x0a);
        if (nl >= 0) {
          headerBytes = bytes + nl + 1;
          if (digest) hash.update(c.subarray(nl + 1));
        }
      } else if (digest) hash.update(c);
      bytes += c.length;
    },
    result: (seconds: number): Measured => ({
      seconds,
      bytes,
      bodyBytes: bytes - headerBytes,
      sm3: hash.digest('hex'),
    }),
  };
}

/** (a) psql \copy of the export's own SELECT to stdout, read by a counting client. */
function psqlCopy(url: string, select: string, digest: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'psql',
      [url, '-X', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${select}) to stdout with csv header`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const count = counter(digest);
    let err = '';
    child.stdout.on('data', (c: Buffer) => count.take(c));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`psql failed: ${err}`));
      else resolve(count.result((performance.now() - started) / 1000));
    });
  });
}

/** (b) Huitong's export over HTTP, read by a counting client. */
function huitongExport(url: string, cookie: string, digest: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`export answered ${res.statusCode}`));
        res.resume();
        return;
      }
      const count = counter(digest);
      let first = true;
      res.on('data', (c: Buffer) => {
        // The BOM is not part of what psql writes.
        if (first && c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) c = c.subarray(3);
        first = false;
        count.take(c);
      });
      res.on('end', () => resolve(count.result((performance.now() - started) / 1000)));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// ---------- main ----------

const started = new Date();
const t0 = performance.now();
const dbName = `huitong_bench_export_${Date.now().toString(36)}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-bench-export-'));
await admin((c) => c.query(`create database ${dbName}`));
const pgVersion = await admin(async (c) => {
  const r = await c.query<{ v: string }>("select split_part(version(), ' on ', 1) as v");
  return r.rows[0]?.v ?? 'PostgreSQL';
});
let server: Awaited<ReturnType<typeof startServer>> | null = null;
try {
  const url = dbUrl(dbName);
  server = await startServer({ HUITONG_DATA_DIR: dataDir, DATABASE_URL: url });
  const startRssMb = memoryOf(server.pid).rssMb;
  log(`server ${server.pid} at ${server.url}, RSS ${startRssMb.toFixed(0)} MB after start-up`);
  const { session, entryId, table, columns } = await enterpriseVersion(server.url, url, dataDir, rows);

  // The SELECT the export runs (export.ts), with the data item names as column names for the header.
  const select = `select ${columns.map((c) => `${valueSql(c)} as "${c.name}"`).join(', ')} from "resource_data"."${table}" order by _row`;
  const exportUrl = `${server.url}/api/provision/entries/${entryId}/export?format=csv`;

  const pid = server.pid;
  /** How much the server's RSS rose during each Huitong run above what it was just before. */
  const growth: number[] = [];
  const psqlRuns: Measured[] = [];
  const huitongRuns: Measured[] = [];
  for (let r = 0; r <= runs; r++) {
    const a = await psqlCopy(url, select, r === 0);
    const rssBefore = memoryOf(server.pid).rssMb;
    let rssHigh = rssBefore;
    const sampler = setInterval(() => {
      rssHigh = Math.max(rssHigh, memoryOf(pid).rssMb);
    }, 50);
    const b = await huitongExport(exportUrl, session.cookie, r === 0).finally(() => clearInterval(sampler));
    growth.push(rssHigh - rssBefore);
    log(
      `${r === 0 ? 'warm-up and check' : `run ${r}`}: psql ${a.seconds.toFixed(2)} s (${(a.bytes / 2 ** 20).toFixed(0)} MB), Huitong ${b.seconds.toFixed(2)} s (${(b.bytes / 2 ** 20).toFixed(0)} MB), RSS now ${memoryOf(server.pid).rssMb.toFixed(0)} MB`,
    );
    if (a.bodyBytes !== b.bodyBytes || (r === 0 && a.sm3 !== b.sm3))
      throw new Error(
        `the outputs differ: psql ${a.bodyBytes} bytes ${a.sm3}, Huitong ${b.bodyBytes} bytes ${b.sm3}`,
      );
    if (r > 0) {
      psqlRuns.push(a);
      huitongRuns.push(b);
    }
  }
  const { peakMb } = memoryOf(server.pid);
  const psqlS = median(psqlRuns.map((m) => m.seconds));
  const huitongS = median(huitongRuns.map((m) => m.seconds));
  const ratio = psqlS / huitongS;
  const bytes = huitongRuns[0]?.bytes ?? 0;
  const section = [
    `${commandSentence(COMMAND_LINE, started, (performance.now() - t0) / 1000)} (most of it the set-up).`,
    '',
    `Machine: ${machine()}; ${pgVersion}. Server, database, psql and the client share the machine (other work may have run on it meanwhile).`,
    '',
    `Data: a version of ${ENTRY_NAME} with ${n0(rows)} rows of 12 columns (bench/ingest's generator: Chinese names, addresses and business scopes, valid credit codes, a decimal and two dates), written into the version's table by COPY (set-up, not measured). The CSV is ${(bytes / 2 ** 20).toFixed(0)} MB (UTF-8). Median of ${runs} runs after a warm-up run of each; the warm-up run checks that both give the same rows, byte for byte (size and SM3 of everything after the header line), and every run that both give as many bytes.`,
    '',
    `**Goal ${ratio >= GOAL_RATIO && peakMb <= GOAL_RSS_MB ? 'met' : 'NOT met'}:** Huitong streams ${ratio.toFixed(2)} × psql's rows/s (goal ≥ ${GOAL_RATIO}${ratio >= GOAL_RATIO ? ': met' : ': not met'}) with a peak RSS of ${peakMb.toFixed(0)} MB (goal ≤ ${GOAL_RSS_MB} MB${peakMb <= GOAL_RSS_MB ? ': met' : `: not met — the server already holds ${startRssMb.toFixed(0)} MB after start-up, before any export; an export raised its RSS by at most ${Math.max(...growth).toFixed(0)} MB`}).`,
    '',
    '| Export | Seconds (median) | Rows/s | MB/s | Ratio to psql | Server RSS after start-up | Most RSS rose during an export | Server peak RSS (VmHWM) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| \`psql -c "\\copy (select …) to stdout with csv header"\` | ${psqlS.toFixed(2)} | ${n0(rows / psqlS)} | ${n0(bytes / 2 ** 20 / psqlS)} | 1.00× | — | — | — |`,
    `| Huitong \`GET …/export?format=csv\` over HTTP | ${huitongS.toFixed(2)} | ${n0(rows / huitongS)} | ${n0(bytes / 2 ** 20 / huitongS)} | ${ratio.toFixed(2)}× | ${startRssMb.toFixed(0)} MB | ${Math.max(...growth).toFixed(0)} MB | ${peakMb.toFixed(0)} MB |`,
    '',
    "Huitong's time runs from the request to the last byte: the session and authorization, the version and fields checked, the export audited, then `COPY (select …) TO STDOUT WITH (FORMAT csv)` on a connection of its own, its chunks passed to the socket with back-pressure (export.ts, the CSV fast path; other formats read through a server-side cursor). psql runs the same SELECT, so the figures differ by what carries the rows.",
  ].join('\n');
  console.log(`\n## Export\n\n${section}\n`);
  writeRawFigures('export', started, {
    command: COMMAND_LINE,
    rows,
    psqlRuns,
    huitongRuns,
    peakMb,
    startRssMb,
    growth,
  });
  if (!args['no-write']) await writeDocs('export', 'Export', section);
} finally {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (args['keep-db']) log(`kept database ${dbName}`);
  else await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
}
