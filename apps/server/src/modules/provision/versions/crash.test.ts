/**
 * The crash test (issue 5): `kill -9` of the real server process in the middle of a large upload on
 * PostgreSQL. The version being written never becomes visible, the current version stays in force,
 * and the next start cleans up what was left: no `receiving` version, the killed one `failed` with its
 * table gone, no table in `resource_data` without a ready version, the current version readable over
 * the API with all its rows, and a new upload works.
 *
 * PostgreSQL only: on PGlite the database lives inside the server process, so there is no "other
 * side" to observe the version while it is written; the restart clean-up itself is covered on both
 * backends by versions.store.test.ts.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { startServer, type RunningServer } from '../../../../test/server-process.ts';
import { DEMO_PASSWORD } from '../../../demo/city.ts';
import { demoDataset, demoRows } from '../../../demo/datasets.ts';

const ENTRY = '市场主体登记注册信息';
const FIRST_ROWS = 1000;
/** The demo register (100,000 rows) three times over: about 128 MB. */
const LARGE_ROWS = 300_000;

const start = (env: Record<string, string>) =>
  startServer({
    HUITONG_JOBS: '0',
    // The demo catalog gives the entry; the demo datasets would write versions of their own.
    HUITONG_DEMO_DATA: '0',
    ...env,
  });

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string, username: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function get<T>(url: string, session: Session, route: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${route}`, { headers: { cookie: session.cookie } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Streams a file to the upload route; resolves with status and body, rejects if the connection breaks. */
function upload(url: string, session: Session, entryId: string, file: string) {
  return new Promise<{ status: number; body: { versionNo: number; state: string; rowCount: number } }>(
    (resolve, reject) => {
      const req = http.request(`${url}/api/provision/entries/${entryId}/upload?format=csv`, {
        method: 'POST',
        agent: false,
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrf,
          'content-type': 'text/csv',
          'content-length': fs.statSync(file).size,
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
        res.on('error', reject);
      });
      req.on('error', reject);
      fs.createReadStream(file).pipe(req);
    },
  );
}

const cell = (v: string | null) =>
  v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** The demo register's rows `from`…`from + count` (wrapping around), as a CSV with Chinese headers. */
async function writeCsv(file: string, count: number, from = 0): Promise<string[][]> {
  const dataset = demoDataset(ENTRY);
  const out = fs.createWriteStream(file);
  out.write(`${dataset.items.map((i) => cell(i.label)).join(',')}\n`);
  const firstRows: string[][] = [];
  let written = 0;
  let skipped = 0;
  while (written < count) {
    for await (const values of demoRows(dataset)) {
      if (skipped < from) {
        skipped++;
        continue;
      }
      if (firstRows.length < 20) firstRows.push(values.map((v) => v ?? ''));
      if (!out.write(`${values.map(cell).join(',')}\n`)) await once(out, 'drain');
      if (++written >= count) break;
    }
  }
  out.end();
  await once(out, 'finish');
  return firstRows;
}

let db: TestDatabase | undefined;
let watcher: pg.Client | undefined;
let dir = '';
const running: RunningServer[] = [];

beforeAll(async () => {
  if (TEST_BACKEND !== 'postgres') return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-crash-'));
  db = await createTestDatabase();
  await db.handle.close(); // the server opens its own connections
  watcher = new pg.Client({ connectionString: db.url });
  await watcher.connect();
});

afterAll(async () => {
  for (const r of running)
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await watcher?.end();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

if (TEST_BACKEND !== 'postgres')
  console.info(
    'crash.test.ts: the kill -9 crash test runs on PostgreSQL only (HUITONG_TEST_BACKEND=postgres)',
  );

describe.runIf(TEST_BACKEND === 'postgres')(
  'kill -9 of the server during a large ingest',
  { timeout: 240_000 },
  () => {
    it('keeps the current version, and the next start cleans up the half-written one', async () => {
      const env = { DATABASE_URL: db?.url ?? '', HUITONG_DATA_DIR: path.join(dir, 'data') };
      const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
        (await (watcher as pg.Client).query<T>(text, values)).rows;

      const firstFile = path.join(dir, 'first.csv');
      const firstRows = await writeCsv(firstFile, FIRST_ROWS);
      const largeFile = path.join(dir, 'large.csv');
      await writeCsv(largeFile, LARGE_ROWS, 500);

      const first = await start(env);
      running.push(first);
      const provider = await signIn(first.url, 'scjg.provider');
      const found = await get<{ items: { id: string; name: string }[] }>(
        first.url,
        provider,
        `/api/catalog/entries?q=${encodeURIComponent(ENTRY)}&pageSize=50`,
      );
      const entryId = found.body.items.find((e) => e.name === ENTRY)?.id ?? '';
      expect(entryId).not.toBe('');

      // Version 1: 1,000 rows, current.
      const v1 = await upload(first.url, provider, entryId, firstFile);
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ versionNo: 1, state: 'ready', rowCount: FIRST_ROWS });
      // Its size and SM3 digest (computed in a worker thread while the rows were read) are the file's.
      const firstBytes = fs.readFileSync(firstFile);
      const [digest] = await q<{ sm3: string; bytes: number }>(
        'select sm3, byte_count::int as bytes from data_versions where entry_id = $1 and version_no = 1',
        [entryId],
      );
      expect(digest).toEqual({
        sm3: createHash('sm3').update(firstBytes).digest('hex'),
        bytes: firstBytes.length,
      });

      // The large upload; as soon as its version's COPY has rows in it, the server is killed.
      const uploading = upload(first.url, provider, entryId, largeFile).then(
        (r) => ({ answered: r }),
        (err: unknown) => ({ broken: err }),
      );
      let writing: { id: string; table_name: string; tuples: number } | undefined;
      const deadline = Date.now() + 120_000;
      while (!writing && Date.now() < deadline) {
        const rows = await q<{ id: string; table_name: string; tuples: string }>(
          `select v.id, v.table_name, p.tuples_processed as tuples
           from data_versions v
           join pg_stat_progress_copy p on p.relid = to_regclass('resource_data.' || v.table_name)
          where v.entry_id = $1 and v.state = 'receiving'`,
          [entryId],
        );
        const r = rows[0];
        if (r && Number(r.tuples) > 0)
          writing = { id: r.id, table_name: r.table_name, tuples: Number(r.tuples) };
        else await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(writing, 'the large version was never seen being written').toBeDefined();
      const killed = writing as { id: string; table_name: string; tuples: number };
      first.child.kill('SIGKILL');
      await first.exited;
      expect(first.child.signalCode).toBe('SIGKILL');
      expect('broken' in (await uploading)).toBe(true);
      expect(killed.tuples).toBeLessThan(LARGE_ROWS);

      // Right after the kill: version 1 is still current; the killed version never became ready.
      const current = await q<{ version_no: number }>(
        `select v.version_no from data_current c join data_versions v on v.id = c.version_id where c.entry_id = $1`,
        [entryId],
      );
      expect(current).toEqual([{ version_no: 1 }]);
      const [state] = await q<{ state: string }>('select state from data_versions where id = $1', [
        killed.id,
      ]);
      expect(state?.state).toBe('receiving');
      // None of its rows is visible to anyone.
      const [visible] = await q<{ n: string }>(
        `select count(*) as n from resource_data.${killed.table_name}`,
      );
      expect(Number(visible?.n)).toBe(0);

      // PostgreSQL ends the dead process's sessions (and with them the version's lease) as their sockets close.
      const gone = Date.now() + 15_000;
      while (Date.now() < gone) {
        const [left] = await q<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = current_database() and application_name like 'huitong%'`,
        );
        if (Number(left?.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // The next start cleans up.
      const second = await start(env);
      running.push(second);
      expect(second.output()).toContain('removed data versions interrupted by a crash');
      const versions = await q<{
        id: string;
        version_no: number;
        state: string;
        table_name: string;
        code: string | null;
      }>(
        `select id, version_no, state, table_name, error ->> 'code' as code from data_versions where entry_id = $1 order by version_no`,
        [entryId],
      );
      expect(versions.map((v) => [v.version_no, v.state])).toEqual([
        [1, 'ready'],
        [2, 'failed'],
      ]);
      expect(versions[1]).toMatchObject({ id: killed.id, code: 'interrupted' });
      expect(await q(`select id from data_versions where state = 'receiving'`)).toEqual([]);
      const [exists] = await q<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [
        `resource_data.${killed.table_name}`,
      ]);
      expect(exists?.ok).toBe(false);
      // Every table in resource_data belongs to a ready version.
      const orphans = await q<{ tablename: string }>(
        `select tablename from pg_tables t where schemaname = 'resource_data'
          and not exists (select 1 from data_versions v where v.table_name = t.tablename and v.state = 'ready')`,
      );
      expect(orphans).toEqual([]);

      // Version 1 is current and readable over the API, all of it.
      const provider2 = await signIn(second.url, 'scjg.provider');
      const page = await get<{
        version: { versionNo: number };
        total: number;
        rows: { row: number; values: Record<string, string | null> }[];
      }>(second.url, provider2, `/api/provision/entries/${entryId}/rows?pageSize=20`);
      expect(page.status).toBe(200);
      expect(page.body.version.versionNo).toBe(1);
      expect(page.body.total).toBe(FIRST_ROWS);
      expect(page.body.rows.map((r) => r.values.credit_code)).toEqual(firstRows.map((r) => r[0]));
      expect(page.body.rows.map((r) => r.values.enterprise_name)).toEqual(firstRows.map((r) => r[1]));
      const last = await get<{ total: number; rows: { row: number }[] }>(
        second.url,
        provider2,
        `/api/provision/entries/${entryId}/rows?page=${FIRST_ROWS / 20}&pageSize=20`,
      );
      expect(last.body.rows.at(-1)?.row).toBe(FIRST_ROWS + 1);

      // And a new upload works: version 3 (the next rows of the register) becomes current.
      const nextFile = path.join(dir, 'next.csv');
      await writeCsv(nextFile, FIRST_ROWS, FIRST_ROWS);
      const again = await upload(second.url, provider2, entryId, nextFile);
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ versionNo: 3, state: 'ready', rowCount: FIRST_ROWS });
      const after = await get<{ version: { versionNo: number }; total: number }>(
        second.url,
        provider2,
        `/api/provision/entries/${entryId}/rows?pageSize=1`,
      );
      expect(after.body).toMatchObject({ version: { versionNo: 3 }, total: FIRST_ROWS });

      second.child.kill('SIGTERM');
      await second.exited;
    });
  },
);
