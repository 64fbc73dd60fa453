/**
 * Database sources against the real servers on 127.0.0.1 — PostgreSQL (a table in a fresh database
 * of its own) and MariaDB (a uniquely named utf8mb4 table in `test`) — whatever backend Huitong
 * itself runs on; and connectors run from the durable job queue, including two servers sharing one
 * PostgreSQL database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import {
  TEST_BACKEND,
  TEST_PG_URL,
  createTestDatabase,
  ensureServerDatabase,
} from '../../../../test/database.ts';
import { createDatabase } from '../../../db/database.ts';
import { runConnector, runtimeOf, type ConnectorLog } from './connectors.service.ts';
import { openPostgres } from './database-source.ts';
import { CONNECTOR_DISPATCH_JOB, CONNECTOR_RUN_JOB } from './index.ts';

const SECRET_KEY = 'connector sources test master secret, 32+ characters';
const SUFFIX = `${process.pid}_${randomBytes(3).toString('hex')}`;
const PG_DB = `huitong_src_${SUFFIX}`;
const MYSQL_TABLE = `huitong_src_${SUFFIX}`;
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
/** The department's own roles: SELECT on the source tables, nothing more (never a superuser). */
const PG_ROLE = `huitong_src_${SUFFIX}`;
const MYSQL_USER = `huitong_src_${SUFFIX}`;
const MYSQL_PASSWORD = `src-pass-${SUFFIX}`;
/** A value a query error would carry if the driver's message were passed on. */
const SECRET = `SECRET-身份证-210102199001011234-${SUFFIX}`;

let t: TestApp;
const s: Record<string, Session> = {};

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

const ITEMS = [
  item('licence_no', '许可证编号', { length: 20 }),
  item('holder', '持证单位', { length: 100 }),
  item('issued_on', '发证日期', { dataType: 'date', length: null }),
  item('staff', '从业人数', { dataType: 'integer', length: 6, required: false }),
];

async function entry(name: string, cycle = 'daily') {
  const e = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({ name, updateCycle: cycle as 'daily', dataItems: ITEMS }),
  );
  return e.id;
}

async function adminPg(database = new URL(TEST_PG_URL).pathname.slice(1)) {
  await ensureServerDatabase();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  return c;
}

async function allow(host: string, port: number) {
  const res = await as('admin').request('POST', '/api/provision/connector-allow-list', {
    host,
    portFrom: port,
    portTo: port,
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function currentRows(entryId: string) {
  const res = await as('scjg.provider').request(
    'GET',
    `/api/provision/entries/${entryId}/rows?sort=licence_no`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { rows: { values: Record<string, string | null> }[] }).rows.map((r) => r.values);
}

interface RunView {
  state: string;
  rowCount: number | null;
  error: { code: string; message: { zh: string; en: string }; detail: string | null } | null;
}

async function runNow(entryId: string, connectorId: string): Promise<RunView> {
  const res = await as('scjg.provider').request(
    'POST',
    `/api/provision/entries/${entryId}/connectors/${connectorId}/run`,
    {},
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { run: RunView }).run;
}

beforeAll(async () => {
  const admin = await adminPg();
  await admin.query(`create database ${PG_DB}`);
  await admin.end();
  const src = await adminPg(PG_DB);
  await src.query(`create table permits (
    no text primary key, holder text not null, issued date not null, staff integer, note text)`);
  await src.query(`insert into permits values
    ('JY2101001', '沈阳市和平区老边饺子馆', '2026-03-01', 25, '中山路'),
    ('JY2101002', '沈阳市沈河区马家烧麦店', '2026-04-15', null, null),
    ('JY2101003', '辽宁省鹿鸣春饭店有限公司', '2025-12-31', 120, '四经街')`);
  await src.query('create table secrets (name text not null)');
  await src.query('insert into secrets values ($1)', [SECRET]);
  await src.query(`create role ${PG_ROLE} login`);
  await src.query(`grant select on permits, secrets to ${PG_ROLE}`);
  await src.end();

  const my = await mysql.createConnection({ ...MYSQL, charset: 'UTF8MB4_UNICODE_CI' });
  await my.query(
    `create table ${MYSQL_TABLE} (licence_no varchar(20) primary key, holder varchar(100) not null, issued_on date not null, staff int null) character set utf8mb4 collate utf8mb4_unicode_ci`,
  );
  await my.query(`insert into ${MYSQL_TABLE} values (?, ?, ?, ?), (?, ?, ?, ?)`, [
    'JY2102001',
    '沈阳市皇姑区宝发园餐馆😀',
    '2026-01-05',
    12,
    'JY2102002',
    '沈阳市铁西区李连贵熏肉大饼',
    '2026-02-28',
    null,
  ]);
  await my.query(`create user '${MYSQL_USER}'@'127.0.0.1' identified by '${MYSQL_PASSWORD}'`);
  await my.query(`grant select on test.${MYSQL_TABLE} to '${MYSQL_USER}'@'127.0.0.1'`);
  await my.end();

  t = await buildTestApp({ secretKey: SECRET_KEY, connectorTimeoutSeconds: 2 });
  for (const u of ['admin', 'scjg.cataloguer', 'scjg.provider', 'reviewer']) s[u] = await signIn(t.app, u);
}, 120_000);

afterAll(async () => {
  await t?.close();
  const admin = await adminPg();
  await admin.query(`drop database if exists ${PG_DB} with (force)`);
  await admin.query(`drop role if exists ${PG_ROLE}`);
  await admin.end();
  const my = await mysql.createConnection(MYSQL);
  await my.query(`drop table if exists ${MYSQL_TABLE}`);
  await my.query(`drop user if exists '${MYSQL_USER}'@'127.0.0.1'`);
  await my.end();
});

/** Everything a department can see of a connector and its runs, and what is stored of them. */
async function everythingTold(entryId: string, connectorId: string): Promise<string> {
  const provider = as('scjg.provider');
  const parts = [
    (await provider.request('GET', `/api/provision/entries/${entryId}/connectors`)).body,
    (await provider.request('GET', `/api/provision/entries/${entryId}/connectors/${connectorId}/runs`)).body,
    JSON.stringify(await t.app.db.selectFrom('connector_runs').select('error').execute()),
    JSON.stringify(await t.app.db.selectFrom('connectors').select('last_error').execute()),
    JSON.stringify(await t.app.db.selectFrom('audit_log').select('detail').execute()),
  ];
  return parts.join('\n');
}

/** A log that keeps what it is told. */
function memoryLog(): ConnectorLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (obj, msg) => {
      const err = obj.err as { message?: string } | undefined;
      lines.push(`${msg} ${JSON.stringify(obj)} ${err?.message ?? ''}`);
    },
  };
}

describe('a PostgreSQL source', () => {
  let entryId = '';
  let connectorId = '';
  const body = (query: string) => ({
    kind: 'postgres',
    enabled: true,
    schedule: 'manual',
    host: '127.0.0.1',
    port: 5432,
    database: PG_DB,
    user: PG_ROLE,
    secret: 'pg-pass-not-needed-by-trust',
    query,
    mapping: { no: 'licence_no', issued: 'issued_on' },
  });

  it('reads a SELECT into a new version, values as the server writes them', async () => {
    entryId = await entry('食品经营许可（数据库）');
    const refused = await as('scjg.provider').request(
      'POST',
      `/api/provision/entries/${entryId}/connectors`,
      body('select no, holder, issued, staff from permits'),
    );
    expect(refused.statusCode).toBe(422);
    await allow('127.0.0.1', 5432);
    const res = await as('scjg.provider').request(
      'POST',
      `/api/provision/entries/${entryId}/connectors`,
      body('select no, holder, issued, staff from permits order by no;'),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain('pg-pass');
    connectorId = (res.json() as { id: string }).id;
    const run = await runNow(entryId, connectorId);
    expect(run).toMatchObject({ state: 'succeeded', rowCount: 3, error: null });
    expect(await currentRows(entryId)).toEqual([
      { licence_no: 'JY2101001', holder: '沈阳市和平区老边饺子馆', issued_on: '2026-03-01', staff: '25' },
      { licence_no: 'JY2101002', holder: '沈阳市沈河区马家烧麦店', issued_on: '2026-04-15', staff: null },
      { licence_no: 'JY2101003', holder: '辽宁省鹿鸣春饭店有限公司', issued_on: '2025-12-31', staff: '120' },
    ]);
  });

  it('runs the query read-only: a data-modifying query fails and changes nothing', async () => {
    const res = await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${connectorId}`,
      body('with gone as (delete from permits returning *) select no, holder, issued, staff from gone'),
    );
    expect(res.statusCode, res.body).toBe(200);
    const run = await runNow(entryId, connectorId);
    expect(run.state).toBe('failed');
    // PostgreSQL refuses a data-modifying WITH in a cursor (feature not supported) …
    expect(run.error?.code).toBe('connector_source_syntax');
    expect(run.error?.message.zh).toContain(PG_DB);
    expect(run.error?.detail).toBe('SQLSTATE 0A000');
    // … and the read-only transaction anything else that would write or lock.
    await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${connectorId}`,
      body('select no, holder, issued, staff from permits for update'),
    );
    const locked = await runNow(entryId, connectorId);
    expect(locked.error?.code).toBe('connector_source_read_only');
    expect(locked.error?.detail).toBe('SQLSTATE 25006');
    const src = await adminPg(PG_DB);
    const { rows } = await src.query('select count(*)::int as n from permits');
    await src.end();
    expect(rows[0]).toEqual({ n: 3 });
  });

  it('stops a query that runs past the timeout', async () => {
    await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${connectorId}`,
      body('select no, holder, issued, staff from permits, pg_sleep(5)'),
    );
    const started = Date.now();
    const run = await runNow(entryId, connectorId);
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connector_timeout');
  });

  it('names a missing column of the source as a mapping problem', async () => {
    await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${connectorId}`,
      body('select no, issued from permits'),
    );
    const run = await runNow(entryId, connectorId);
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('validation');
    expect(run.error?.message.zh).toContain('持证单位');
  });

  it('classifies a failing query and never answers or stores the driver’s message (it can carry data)', async () => {
    const update = (query: string, extra: Record<string, unknown> = {}) =>
      as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/connectors/${connectorId}`, {
        ...body(query),
        ...extra,
      });
    // PostgreSQL's message would be: invalid input syntax for type integer: "<the secret>".
    await update('select cast(name as int) as no, name as holder, current_date as issued from secrets');
    const log = memoryLog();
    const run = await runConnector(t.app.database, { ...runtimeOf(t.config), log }, connectorId, 'manual');
    expect(run?.state).toBe('failed');
    expect(run?.error).toEqual({
      code: 'connector_source_type',
      message: {
        zh: expect.stringContaining('数据类型或取值错误') as unknown,
        en: expect.stringContaining('data type or value error') as unknown,
      },
      detail: 'SQLSTATE 22P02',
    });
    expect(JSON.stringify(run)).not.toContain(SECRET);
    // The raw text is in the server log only.
    expect(log.lines.join('\n')).toContain(SECRET);
    const cases: [string, string, string][] = [
      ['select cast(passwd as int) from pg_shadow', 'connector_source_permission', '42501'],
      // The planner folds 1/0 before the permission check: a type error, still without data.
      [
        'select 1/0 where false union select cast(passwd as int) from pg_shadow',
        'connector_source_type',
        '22012',
      ],
      ['select no, holder from permitz', 'connector_source_syntax', '42P01'],
      [
        'select no, holder, issued from permits where 1/(staff - staff) = 1',
        'connector_source_type',
        '22012',
      ],
    ];
    for (const [query, code, sqlstate] of cases) {
      await update(query);
      const r = await runNow(entryId, connectorId);
      expect(r.error?.code, query).toBe(code);
      expect(r.error?.detail, query).toBe(`SQLSTATE ${sqlstate}`);
    }
    await update('select no, holder, issued from permits', { user: 'huitong_no_such_role' });
    const denied = await runNow(entryId, connectorId);
    expect(denied.error?.code).toBe('connector_source_authentication');
    expect(denied.error?.detail).toBe('SQLSTATE 28000');
    expect(await everythingTold(entryId, connectorId)).not.toContain(SECRET);
  });

  it('refuses a superuser (or an over-privileged role) before the query runs', async () => {
    const res = await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${connectorId}`,
      { ...body('select 1/0 where false union select cast(passwd as int) from pg_shadow'), user: 'postgres' },
    );
    expect(res.statusCode, res.body).toBe(200);
    const run = await runNow(entryId, connectorId);
    expect(run.error?.code).toBe('connector_source_privileged');
    expect(run.error?.message.zh).toContain('postgres');
    expect(run.error?.message.zh).toContain('SELECT');
    expect(JSON.stringify(run)).not.toMatch(/SCRAM-SHA-256|md5[0-9a-f]{8}/);
    // A role that may read every table is refused the same way.
    const admin = await adminPg(PG_DB);
    await admin.query(`grant pg_read_all_data to ${PG_ROLE}`);
    try {
      await as('scjg.provider').request(
        'PUT',
        `/api/provision/entries/${entryId}/connectors/${connectorId}`,
        body('select no, holder, issued from permits'),
      );
      expect((await runNow(entryId, connectorId)).error?.code).toBe('connector_source_privileged');
    } finally {
      await admin.query(`revoke pg_read_all_data from ${PG_ROLE}`);
      await admin.end();
    }
    expect(await runNow(entryId, connectorId)).toMatchObject({ state: 'succeeded', rowCount: 3 });
  });
});

describe('the platform’s own database', () => {
  const body = (host: string, database: string) => ({
    kind: 'postgres',
    enabled: true,
    schedule: 'manual',
    host,
    port: 5432,
    database,
    user: PG_ROLE,
    query: 'select no, holder, issued from permits',
    mapping: { no: 'licence_no', issued: 'issued_on' },
  });

  it('is refused when saved and when run: DATABASE_URL’s server (any local name for it), port and database', async () => {
    // A platform whose DATABASE_URL names PG_DB on this machine, whatever database it really runs on.
    const platform = await buildTestApp({
      secretKey: SECRET_KEY,
      databaseUrl: `postgres://huitong@localhost:5432/${PG_DB}`,
    });
    try {
      const admin = await signIn(platform.app, 'admin');
      const provider = await signIn(platform.app, 'scjg.provider');
      const { id: entryId } = await publishEntry(
        await signIn(platform.app, 'scjg.cataloguer'),
        await signIn(platform.app, 'reviewer'),
        metadata({ name: '平台数据库测试许可', dataItems: ITEMS }),
      );
      for (const host of ['127.0.0.1', '::1', 'localhost']) {
        const res = await admin.request('POST', '/api/provision/connector-allow-list', {
          host,
          portFrom: 5432,
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      const url = `/api/provision/entries/${entryId}/connectors`;
      for (const host of ['127.0.0.1', 'localhost', '::ffff:127.0.0.1', '::1']) {
        const res = await provider.request('POST', url, body(host, PG_DB));
        expect(res.statusCode, host).toBe(422);
        const problem = res.json() as { code: string; message: { zh: string; en: string } };
        expect(problem.code, host).toBe('connector_platform_database');
        expect(problem.message.zh).toContain('平台自身的数据库');
      }
      expect(await platform.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
      // Another database of the same server is a source like any other; names are case-sensitive.
      const other = await provider.request('POST', url, body('127.0.0.1', PG_DB.toUpperCase()));
      expect(other.statusCode, other.body).toBe(201);
      const id = (other.json() as { id: string }).id;
      // A connector saved before (or changed behind the API) is refused when it runs.
      const row = await platform.app.db
        .selectFrom('connectors')
        .select('settings')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await platform.app.db
        .updateTable('connectors')
        .set({ settings: JSON.stringify({ ...(row.settings as object), database: PG_DB }) })
        .where('id', '=', id)
        .execute();
      const run = await provider.request('POST', `${url}/${id}/run`, {});
      expect(run.statusCode, run.body).toBe(200);
      expect((run.json() as { run: RunView }).run).toMatchObject({
        state: 'failed',
        error: { code: 'connector_platform_database' },
      });
    } finally {
      await platform.close();
    }
  }, 60_000);

  it.runIf(TEST_BACKEND === 'postgres')(
    'is refused after connecting when reached under an address DATABASE_URL does not name (same server start and database oid)',
    async () => {
      const own = new URL(t.database.url ?? '').pathname.slice(1);
      const entryId = await entry('平台数据库测试许可（指纹）');
      await allow('127.0.0.1', 5432);
      const url = `/api/provision/entries/${entryId}/connectors`;
      // The test app knows its DATABASE_URL (127.0.0.1:5432/<own>): saving is refused at once.
      const saved = await as('scjg.provider').request('POST', url, body('127.0.0.1', own));
      expect(saved.statusCode, saved.body).toBe(422);
      expect((saved.json() as { code: string }).code).toBe('connector_platform_database');
      const res = await as('scjg.provider').request('POST', url, body('127.0.0.1', PG_DB));
      expect(res.statusCode, res.body).toBe(201);
      const id = (res.json() as { id: string }).id;
      const row = await t.app.db
        .selectFrom('connectors')
        .select('settings')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await t.app.db
        .updateTable('connectors')
        .set({ settings: JSON.stringify({ ...(row.settings as object), database: own }) })
        .where('id', '=', id)
        .execute();
      // As if DATABASE_URL named the server by an address the connector's does not match.
      const run = await runConnector(
        t.app.database,
        { ...runtimeOf(t.config), platform: null },
        id,
        'manual',
      );
      expect(run?.error?.code).toBe('connector_platform_database');
      await expect(
        openPostgres({
          host: '127.0.0.1',
          port: 5432,
          database: PG_DB,
          user: PG_ROLE,
          password: null,
          query: 'select no from permits',
          allowList: [{ host: '127.0.0.1', portFrom: 5432, portTo: 5432 }],
          timeoutMs: 5000,
          maxBytes: 1_000_000,
          platformFingerprint: 'not this one',
        }).then(async (rows) => {
          await rows.close();
          return rows.headers;
        }),
      ).resolves.toEqual(['no']);
    },
    60_000,
  );
});

describe('a MariaDB source', () => {
  it('reads utf8mb4 Chinese text (and emoji) with dates as text', async () => {
    const entryId = await entry('食品经营许可（MariaDB）');
    await allow('127.0.0.1', 3306);
    const res = await as('scjg.provider').request('POST', `/api/provision/entries/${entryId}/connectors`, {
      kind: 'mysql',
      enabled: true,
      schedule: 'cron',
      cron: '15 3 * * *',
      host: '127.0.0.1',
      database: 'test',
      user: MYSQL_USER,
      secret: MYSQL_PASSWORD,
      query: `select licence_no, holder, issued_on, staff from ${MYSQL_TABLE} order by licence_no`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as { id: string; port: number; hasSecret: boolean; nextRunAt: string };
    expect(created).toMatchObject({ port: 3306, hasSecret: true });
    // 03:15 Beijing time is 19:15 UTC.
    expect(new Date(created.nextRunAt).getUTCHours() * 60 + new Date(created.nextRunAt).getUTCMinutes()).toBe(
      19 * 60 + 15,
    );
    const run = await runNow(entryId, created.id);
    expect(run).toMatchObject({ state: 'succeeded', rowCount: 2 });
    expect(await currentRows(entryId)).toEqual([
      { licence_no: 'JY2102001', holder: '沈阳市皇姑区宝发园餐馆😀', issued_on: '2026-01-05', staff: '12' },
      { licence_no: 'JY2102002', holder: '沈阳市铁西区李连贵熏肉大饼', issued_on: '2026-02-28', staff: null },
    ]);
    const update = (query: string, extra: Record<string, unknown> = {}) =>
      as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/connectors/${created.id}`, {
        kind: 'mysql',
        enabled: true,
        schedule: 'manual',
        host: '127.0.0.1',
        database: 'test',
        user: MYSQL_USER,
        query,
        ...extra,
      });
    // Writing is refused by the read-only transaction.
    await update(`select * from ${MYSQL_TABLE} for update`);
    const locked = await runNow(entryId, created.id);
    expect(locked.state).toBe('failed');
    expect(locked.error?.code).toBe('connector_source_read_only');
    expect(locked.error?.detail).toMatch(/^MySQL 1792 /);
    // MariaDB's message would be: XPATH syntax error: '~<the holder>' (error-based extraction).
    await update(`select extractvalue(1, concat(0x7e, holder)) as licence_no from ${MYSQL_TABLE}`);
    const extracted = await runNow(entryId, created.id);
    expect(extracted.error?.code).toBe('connector_source_failed');
    expect(extracted.error?.message.zh).toContain('平台日志');
    await update(`select licence_no holder from from ${MYSQL_TABLE}`);
    expect((await runNow(entryId, created.id)).error?.code).toBe('connector_source_syntax');
    await update('select user, password from mysql.user');
    expect((await runNow(entryId, created.id)).error?.code).toBe('connector_source_permission');
    const told = await everythingTold(entryId, created.id);
    expect(told).not.toContain('宝发园');
    expect(told).not.toContain('XPATH');
    // root (ALL PRIVILEGES, FILE, reads mysql.user) is refused before the query runs.
    await update('select user as licence_no, password as holder from mysql.user', {
      user: 'root',
      clearSecret: true,
    });
    const root = await runNow(entryId, created.id);
    expect(root.error?.code).toBe('connector_source_privileged');
    expect(root.error?.message.en).toContain('root');
    // A wrong password is classified, the password never shown.
    const wrong = await as('scjg.provider').request(
      'PUT',
      `/api/provision/entries/${entryId}/connectors/${created.id}`,
      {
        kind: 'mysql',
        enabled: true,
        schedule: 'manual',
        host: '127.0.0.1',
        database: 'test',
        user: 'huitong_no_such_user',
        secret: 'wrong-password',
        query: `select licence_no, holder, issued_on, staff from ${MYSQL_TABLE}`,
      },
    );
    expect(wrong.statusCode).toBe(200);
    const denied = await runNow(entryId, created.id);
    expect(denied.state).toBe('failed');
    expect(denied.error?.code).toBe('connector_source_authentication');
    expect(denied.error?.detail).toBe('MySQL 1045 ER_ACCESS_DENIED_ERROR');
    expect(JSON.stringify(denied)).not.toContain('wrong-password');
  });
});

describe('connectors on the job queue', () => {
  let sourceServer: http.Server;
  let port = 0;
  let calls = 0;
  beforeAll(async () => {
    sourceServer = http.createServer((_req, res) => {
      calls++;
      // Slow enough for two runs to overlap if nothing stopped them.
      setTimeout(() => {
        res.writeHead(200).end('许可证编号,持证单位,发证日期\r\nJY9,沈阳队列测试餐馆,2026-05-01\r\n');
      }, 300);
    });
    await new Promise<void>((resolve) => sourceServer.listen(0, '127.0.0.1', resolve));
    port = (sourceServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => sourceServer.close(resolve));
  });

  async function setUp(app: TestApp) {
    const admin = await signIn(app.app, 'admin');
    const provider = await signIn(app.app, 'scjg.provider');
    const cataloguer = await signIn(app.app, 'scjg.cataloguer');
    const reviewer = await signIn(app.app, 'reviewer');
    const { id: entryId } = await publishEntry(
      cataloguer,
      reviewer,
      metadata({ name: '队列测试许可', dataItems: ITEMS }),
    );
    expect(
      (
        await admin.request('POST', '/api/provision/connector-allow-list', {
          host: '127.0.0.1',
          portFrom: port,
        })
      ).statusCode,
    ).toBe(201);
    const res = await provider.request('POST', `/api/provision/entries/${entryId}/connectors`, {
      kind: 'http',
      enabled: true,
      schedule: 'manual',
      url: `http://127.0.0.1:${port}/permits.csv`,
    });
    expect(res.statusCode, res.body).toBe(201);
    return { entryId, connectorId: (res.json() as { id: string }).id, provider };
  }

  it('queues "run now" and the dispatcher’s runs, and works them from the queue', async () => {
    const app = await buildTestApp({ secretKey: SECRET_KEY, jobs: true });
    try {
      const { entryId, connectorId, provider } = await setUp(app);
      const res = await provider.request(
        'POST',
        `/api/provision/entries/${entryId}/connectors/${connectorId}/run`,
        {},
      );
      expect(res.statusCode, res.body).toBe(202);
      const runs = async () =>
        (
          (
            await provider.request('GET', `/api/provision/entries/${entryId}/connectors/${connectorId}/runs`)
          ).json() as {
            items: { state: string; trigger: string }[];
          }
        ).items;
      await expect
        .poll(async () => (await runs())[0]?.state, { timeout: 20_000, interval: 250 })
        .toBe('succeeded');
      // The run job (worked from the queue in this process) finishes after it records the run.
      await expect.poll(() => app.app.jobs.runs(CONNECTOR_RUN_JOB), { timeout: 10_000 }).toBe(1);
      // Due now: the dispatcher (sent to the queue as its schedule would) queues a scheduled run.
      await app.app.db
        .updateTable('connectors')
        .set({ next_run_at: new Date(Date.now() - 1000), enabled: true })
        .where('id', '=', connectorId)
        .execute();
      await app.app.jobs.send(CONNECTOR_DISPATCH_JOB, {});
      await expect.poll(async () => (await runs()).length, { timeout: 20_000, interval: 250 }).toBe(2);
      await expect
        .poll(async () => (await runs())[0]?.state, { timeout: 20_000, interval: 250 })
        .toBe('succeeded');
      expect((await runs())[0]?.trigger).toBe('schedule');
      const { rows } = await app.database.handle.executeSql(
        `select name, cron, timezone from pgboss.schedule where name = '${CONNECTOR_DISPATCH_JOB}'`,
      );
      expect(rows).toEqual([{ name: CONNECTOR_DISPATCH_JOB, cron: '* * * * *', timezone: 'Asia/Shanghai' }]);
    } finally {
      await app.close();
    }
  }, 90_000);

  it.runIf(TEST_BACKEND === 'postgres')(
    'runs a due connector once with two servers on one database',
    async () => {
      const shared = await createTestDatabase();
      const one = await buildTestApp({ secretKey: SECRET_KEY }, shared);
      const twoDb = {
        ...shared,
        handle: await createDatabase({ databaseUrl: shared.url ?? '', poolSize: 5 }),
      };
      const two = await buildTestApp({ secretKey: SECRET_KEY }, twoDb);
      try {
        const { connectorId } = await setUp(one);
        await one.app.db
          .updateTable('connectors')
          .set({ next_run_at: new Date(Date.now() - 1000) })
          .where('id', '=', connectorId)
          .execute();
        const before = calls;
        // Both servers' dispatchers at once: one claims the connector, the other finds nothing due.
        const claimed = await Promise.all([
          one.app.jobs.runNow(CONNECTOR_DISPATCH_JOB, {}),
          two.app.jobs.runNow(CONNECTOR_DISPATCH_JOB, {}),
        ]);
        expect((claimed as number[]).sort()).toEqual([0, 1]);
        // Two run jobs for the same connector at once: the lease lets one run, the other does nothing.
        const both = await Promise.all([
          one.app.jobs.runNow(CONNECTOR_RUN_JOB, { connectorId, trigger: 'manual' }),
          two.app.jobs.runNow(CONNECTOR_RUN_JOB, { connectorId, trigger: 'manual' }),
        ]);
        expect(both.filter((r) => r === null)).toHaveLength(1);
        const runs = await one.app.db.selectFrom('connector_runs').selectAll().execute();
        expect(runs).toHaveLength(2);
        expect(runs.every((r) => r.state === 'succeeded')).toBe(true);
        expect(calls - before).toBe(2);
      } finally {
        await two.app.close();
        await twoDb.handle.close();
        await one.close();
      }
    },
    60_000,
  );
});
