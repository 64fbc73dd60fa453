/**
 * Pull connectors end to end, on the suite's backend: the allow-list, SM4 secrets at rest, HTTP
 * sources on a local server (UTF-8 and GBK CSV, JSON, a secret header, 500s with retries and
 * back-off, redirects, timeouts), and the authorization of every route.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import { up as removeRawErrorDetails } from '../../../db/migrations/0013_connector_error_details.ts';
import { CONNECTOR_DISPATCH_JOB, connectorFailures } from './index.ts';
import { secretBox } from './secrets.ts';

const SECRET_KEY = 'connector test master secret, thirty-two+ characters';
const TOKEN = 'tok-Sup3rSecret-7f3a9c';

let t: TestApp;
let server: http.Server;
let port = 0;
let entryId = '';
const s: Record<string, Session> = {};
const hits: Record<string, number> = {};

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

const UTF8_CSV =
  '站点编码,站点名称,空气质量指数,监测日期\r\nSY001,太原街,56,2026-11-20\r\nSY002,浑南新区,73,2026-11-20\r\n';
const GBK_CSV = iconv.encode(
  'station_code,station_name,aqi,reading_date\r\nSY101,沈河区政府,88,2026-11-21\r\nSY102,于洪区,91,2026-11-21\r\nSY103,铁西广场,64,2026-11-21\r\n',
  'gbk',
);
const JSON_BODY = JSON.stringify([
  { station_code: 'SY201', station_name: '皇姑区', aqi: 40, reading_date: '2026-11-22' },
  { station_code: 'SY202', station_name: '大东区', aqi: null, reading_date: '2026-11-22' },
]);

function source(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = (req.url ?? '').split('?')[0] ?? '';
  hits[path] = (hits[path] ?? 0) + 1;
  switch (path) {
    case '/utf8.csv':
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(UTF8_CSV);
      return;
    case '/gbk.csv':
      res.writeHead(200, { 'content-type': 'text/csv' }).end(GBK_CSV);
      return;
    case '/data.json':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON_BODY);
      return;
    case '/secured.csv':
      if (req.headers['x-api-key'] !== TOKEN) {
        res.writeHead(401).end('no key');
        return;
      }
      res.writeHead(200).end(UTF8_CSV);
      return;
    case '/fail':
      res.writeHead(500, { 'content-type': 'text/plain' }).end('database down 数据库不可用');
      return;
    case '/redirect-out':
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      return;
    case '/redirect-in':
      res.writeHead(302, { location: '/utf8.csv' }).end();
      return;
    case '/slow':
      // Never answers: the connector's timeout must end the run.
      return;
    case '/invalid.csv':
      res.writeHead(200).end('站点编码,站点名称,空气质量指数,监测日期\r\nSY301,,abc,2026-13-45\r\n');
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = http.createServer(source);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await buildTestApp({ secretKey: SECRET_KEY, connectorTimeoutSeconds: 2 });
  for (const u of [
    'admin',
    'heping.admin',
    'scjg.cataloguer',
    'scjg.provider',
    'scjg.user',
    'reviewer',
    'gongan.provider',
  ])
    s[u] = await signIn(t.app, u);
  const entry = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({
      name: '空气质量监测数据',
      updateCycle: 'daily',
      dataItems: [
        item('station_code', '站点编码', { length: 10 }),
        item('station_name', '站点名称', { length: 50 }),
        item('aqi', '空气质量指数', { dataType: 'integer', length: 4, required: false }),
        item('reading_date', '监测日期', { dataType: 'date', length: null }),
      ],
    }),
  );
  entryId = entry.id;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const base = () => `/api/provision/entries/${entryId}/connectors`;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;

interface ConnectorView {
  id: string;
  kind: string;
  url: string | null;
  hasSecret: boolean;
  headerName: string | null;
  schedule: string;
  effectiveCron: string | null;
  nextRunAt: string | null;
  failing: boolean;
  consecutiveFailures: number;
  lastError: { zh: string; en: string } | null;
}

interface RunView {
  id: string;
  state: string;
  trigger: string;
  attempt: number;
  rowCount: number | null;
  versionId: string | null;
  durationMs: number | null;
  error: { code: string; message: { zh: string; en: string }; detail: string | null } | null;
}

let connectorId = '';
let allowId = '';

const httpBody = (path: string, extra: Record<string, unknown> = {}) => ({
  kind: 'http',
  enabled: true,
  schedule: 'cycle',
  url: url(path),
  format: 'csv',
  ...extra,
});

async function runNow(who = 'scjg.provider'): Promise<RunView> {
  const res = await as(who).request('POST', `${base()}/${connectorId}/run`, {});
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { queued: boolean; run: RunView };
  expect(body.queued).toBe(false);
  return body.run;
}

async function connector(): Promise<ConnectorView> {
  const res = await as('scjg.provider').request('GET', base());
  expect(res.statusCode).toBe(200);
  const items = (res.json() as { items: ConnectorView[] }).items;
  const c = items[0];
  if (!c) throw new Error('no connector');
  return c;
}

async function row(id: string) {
  return t.app.db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function rowsOfCurrent() {
  const res = await as('scjg.provider').request(
    'GET',
    `/api/provision/entries/${entryId}/rows?sort=station_code`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { version: { versionNo: number }; rows: { values: Record<string, string | null> }[] };
}

describe('the allow-list (city platform administrator)', () => {
  it('is managed only by the city administrator', async () => {
    const body = { host: '127.0.0.1', portFrom: port, portTo: port, note: '测试数据源' };
    for (const who of ['scjg.provider', 'heping.admin', 'reviewer']) {
      const res = await as(who).request('POST', '/api/provision/connector-allow-list', body);
      expect(res.statusCode, who).toBe(403);
      expect((await as(who).request('GET', '/api/provision/connector-allow-list')).statusCode).toBe(403);
    }
    const anon = await t.app.inject({ method: 'GET', url: '/api/provision/connector-allow-list' });
    expect(anon.statusCode).toBe(401);
    expect(await t.app.db.selectFrom('connector_allow_list').selectAll().execute()).toEqual([]);
  });

  it('refuses hosts that are not hosts, blocks wider than /8 and special addresses in any form', async () => {
    for (const host of [
      '0.0.0.0/0',
      'not a host',
      'http://example.com',
      '::ffff:0:0/96',
      '::ffff:a9fe:a9fe',
      '169.254.169.254',
      '64:ff9b::/96',
      '::/64',
    ]) {
      const res = await as('admin').request('POST', '/api/provision/connector-allow-list', { host });
      expect(res.statusCode, host).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { message: { zh: string } }).message.zh).toContain('host');
    }
    const ports = await as('admin').request('POST', '/api/provision/connector-allow-list', {
      host: '10.0.0.1',
      portFrom: 9000,
      portTo: 8000,
    });
    expect(ports.statusCode).toBe(400);
    expect(await t.app.db.selectFrom('connector_allow_list').selectAll().execute()).toEqual([]);
  });
});

describe('configuring a connector', () => {
  it('refuses an address while the allow-list does not hold it, and creates nothing', async () => {
    const res = await as('scjg.provider').request('POST', base(), httpBody('/utf8.csv'));
    expect(res.statusCode, res.body).toBe(422);
    const problem = res.json() as { code: string; message: { zh: string; en: string } };
    expect(problem.code).toBe('connector_address_not_allowed');
    expect(problem.message.zh).toContain(`127.0.0.1:${port}`);
    expect(problem.message.zh).toContain('平台管理员');
    expect(problem.message.en).toContain('allow-list');
    expect(await t.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
  });

  it('refuses the cloud metadata address even once a local address is allowed', async () => {
    const added = await as('admin').request('POST', '/api/provision/connector-allow-list', {
      host: '127.0.0.1',
      portFrom: port,
      portTo: port,
      note: '测试数据源',
    });
    expect(added.statusCode, added.body).toBe(201);
    allowId = (added.json() as { id: string }).id;
    const list = await as('admin').request('GET', '/api/provision/connector-allow-list');
    expect((list.json() as { items: { host: string; portFrom: number }[] }).items).toEqual([
      expect.objectContaining({ host: '127.0.0.1', portFrom: port, portTo: port, note: '测试数据源' }),
    ]);
    const meta = await as('scjg.provider').request('POST', base(), {
      ...httpBody('/'),
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(meta.statusCode).toBe(422);
    expect((meta.json() as { message: { en: string } }).message.en).toContain('169.254.169.254:80');
    // Another port of an allowed host is not allowed.
    const otherPort = await as('scjg.provider').request('POST', base(), {
      kind: 'postgres',
      enabled: true,
      schedule: 'manual',
      host: '127.0.0.1',
      port: 5432,
      database: 'x',
      user: 'x',
      query: 'select 1',
    });
    expect(otherPort.statusCode).toBe(422);
    // A name resolving to loopback is not allowed by the address of another port either.
    const local = await as('scjg.provider').request(
      'POST',
      base(),
      httpBody('/utf8.csv', { url: `http://localhost:${port + 1}/` }),
    );
    expect(local.statusCode).toBe(422);
    // … and the refusal does not say what the name resolved to.
    expect(local.body).not.toContain('127.0.0.1');
    // IPv6 forms of the metadata address are that address.
    for (const url of [
      'http://[::ffff:a9fe:a9fe]/',
      'http://[::169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/',
    ]) {
      const res = await as('scjg.provider').request('POST', base(), httpBody('/', { url }));
      expect(res.statusCode, url).toBe(422);
      expect((res.json() as { code: string }).code, url).toBe('connector_address_not_allowed');
    }
    const mapped = await as('scjg.provider').request('POST', base(), {
      kind: 'postgres',
      enabled: true,
      schedule: 'manual',
      host: '::ffff:169.254.169.254',
      port,
      database: 'x',
      user: 'x',
      query: 'select 1',
    });
    expect(mapped.statusCode).toBe(422);
    expect(await t.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
  });

  it('refuses bad settings with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [httpBody('/x', { url: 'ftp://127.0.0.1/x' }), 'url'],
      [httpBody('/x', { url: `http://user:pw@127.0.0.1:${port}/x` }), 'url'],
      [httpBody('/x', { headerName: 'X-Api-Key' }), 'secret'],
      [httpBody('/x', { headerName: 'Host', secret: 'x' }), 'headerName'],
      [httpBody('/x', { schedule: 'cron', cron: '* * * * *' }), 'cron'],
      [httpBody('/x', { mapping: { 站点: 'no_such_item' } }), 'mapping/站点'],
      [
        {
          kind: 'mysql',
          enabled: true,
          schedule: 'manual',
          host: '127.0.0.1',
          database: 'd',
          user: 'u',
          query: 'delete from t',
        },
        'query',
      ],
      [
        {
          kind: 'mysql',
          enabled: true,
          schedule: 'manual',
          host: '127.0.0.1',
          database: 'd',
          query: 'select 1',
        },
        'user',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await as('scjg.provider').request('POST', base(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const problem = res.json() as { fields?: { field: string }[] };
      expect(problem.fields?.[0]?.field, JSON.stringify(body)).toBe(field);
    }
    expect(await t.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
  });

  it('is refused to other departments, other roles and anonymous callers', async () => {
    for (const who of ['gongan.provider', 'scjg.user', 'scjg.cataloguer', 'admin', 'reviewer']) {
      const res = await as(who).request('POST', base(), httpBody('/utf8.csv'));
      expect(res.statusCode, who).toBe(403);
    }
    const anon = await t.app.inject({ method: 'POST', url: base(), payload: httpBody('/utf8.csv') });
    expect(anon.statusCode).toBe(401);
    expect(await t.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
  });

  it('stores the secret SM4-encrypted and never answers it', async () => {
    const res = await as('scjg.provider').request(
      'POST',
      base(),
      httpBody('/secured.csv', { headerName: 'X-Api-Key', secret: TOKEN }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(TOKEN);
    const created = res.json() as ConnectorView;
    connectorId = created.id;
    expect(created).toMatchObject({
      kind: 'http',
      hasSecret: true,
      headerName: 'X-Api-Key',
      schedule: 'cycle',
    });
    expect(created.effectiveCron).toMatch(/^\d+ 1 \* \* \*$/);
    expect(Date.parse(created.nextRunAt ?? '')).toBeGreaterThan(Date.now());
    const stored = await row(connectorId);
    expect(stored.secret).toBeTruthy();
    expect(stored.secret).not.toContain(TOKEN);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    expect(Buffer.from((stored.secret ?? '').split(':')[1] ?? '', 'base64').toString('utf8')).not.toContain(
      '7f3a9c',
    );
    expect(secretBox(SECRET_KEY).open(stored.secret ?? '', connectorId)).toBe(TOKEN);
    const list = await as('scjg.provider').request('GET', base());
    expect(list.body).not.toContain(TOKEN);
    // One connector per entry.
    const second = await as('scjg.provider').request('POST', base(), httpBody('/utf8.csv'));
    expect(second.statusCode).toBe(409);
  });

  it('is readable by the department and its authority, not by another department', async () => {
    for (const who of ['scjg.cataloguer', 'reviewer']) {
      const res = await as(who).request('GET', base());
      expect(res.statusCode, who).toBe(200);
      expect((res.json() as { items: unknown[] }).items).toHaveLength(1);
    }
    expect((await as('gongan.provider').request('GET', base())).statusCode).toBe(404);
    expect((await as('gongan.provider').request('GET', `${base()}/${connectorId}/runs`)).statusCode).toBe(
      404,
    );
    // The department's data users have no business with its connectors.
    expect((await as('scjg.user').request('GET', base())).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: base() })).statusCode).toBe(401);
    for (const who of ['gongan.provider', 'scjg.user', 'reviewer']) {
      expect((await as(who).request('POST', `${base()}/${connectorId}/run`, {})).statusCode, who).toBe(403);
      expect((await as(who).request('DELETE', `${base()}/${connectorId}`)).statusCode, who).toBe(403);
    }
  });
});

describe('running a connector', () => {
  it('reads the source with the decrypted secret header into a new version (source connector)', async () => {
    const run = await runNow();
    expect(run).toMatchObject({
      state: 'succeeded',
      trigger: 'manual',
      attempt: 1,
      rowCount: 2,
      error: null,
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    const version = await t.app.db
      .selectFrom('data_versions')
      .selectAll()
      .where('id', '=', run.versionId ?? '')
      .executeTakeFirstOrThrow();
    expect(version).toMatchObject({
      source: 'connector',
      state: 'ready',
      format: 'csv',
      file_name: 'secured.csv',
    });
    const data = await rowsOfCurrent();
    expect(data.rows.map((r) => r.values)).toEqual([
      { station_code: 'SY001', station_name: '太原街', aqi: '56', reading_date: '2026-11-20' },
      { station_code: 'SY002', station_name: '浑南新区', aqi: '73', reading_date: '2026-11-20' },
    ]);
  });

  it('makes no version when the source still has the same rows: the run succeeds as unchanged (issue 12)', async () => {
    const before = await rowsOfCurrent();
    const run = await runNow();
    expect(run).toMatchObject({ state: 'succeeded', rowCount: 2, error: null });
    const version = await t.app.db
      .selectFrom('data_versions as v')
      .innerJoin('data_versions as same', 'same.id', 'v.same_as')
      .select(['v.state', 'v.source', 'same.state as sameState'])
      .where('v.id', '=', run.versionId ?? '')
      .executeTakeFirstOrThrow();
    expect(version).toEqual({ state: 'unchanged', source: 'connector', sameState: 'ready' });
    expect(await rowsOfCurrent()).toEqual(before);
  });

  it('keeps the secret when the connector is changed without one, and reads GBK CSV', async () => {
    const res = await as('scjg.provider').request(
      'PUT',
      `${base()}/${connectorId}`,
      httpBody('/gbk.csv', { encoding: 'auto', headerName: 'X-Api-Key' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as ConnectorView).hasSecret).toBe(true);
    expect(secretBox(SECRET_KEY).open((await row(connectorId)).secret ?? '', connectorId)).toBe(TOKEN);
    const run = await runNow();
    expect(run).toMatchObject({ state: 'succeeded', rowCount: 3 });
    const data = await rowsOfCurrent();
    expect(data.rows.map((r) => r.values.station_name)).toEqual(['沈河区政府', '于洪区', '铁西广场']);
  });

  it('reads JSON, following a redirect within the allowed host', async () => {
    let res = await as('scjg.provider').request(
      'PUT',
      `${base()}/${connectorId}`,
      httpBody('/data.json', { format: 'json', clearSecret: true }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as ConnectorView).hasSecret).toBe(false);
    expect((await row(connectorId)).secret).toBeNull();
    expect(await runNow()).toMatchObject({ state: 'succeeded', rowCount: 2 });
    expect((await rowsOfCurrent()).rows.map((r) => r.values)).toEqual([
      { station_code: 'SY201', station_name: '皇姑区', aqi: '40', reading_date: '2026-11-22' },
      { station_code: 'SY202', station_name: '大东区', aqi: null, reading_date: '2026-11-22' },
    ]);
    res = await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/redirect-in'));
    expect(res.statusCode).toBe(200);
    expect(await runNow()).toMatchObject({ state: 'succeeded', rowCount: 2 });
  });

  it('refuses a redirect to an address the administrator has not allowed', async () => {
    await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/redirect-out'));
    const before = (await rowsOfCurrent()).version.versionNo;
    const run = await runNow();
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connector_address_not_allowed');
    expect(run.error?.message.zh).toContain('169.254.169.254:80');
    expect(run.versionId).toBeNull();
    expect((await rowsOfCurrent()).version.versionNo).toBe(before);
  });

  it('records a version that fails validation as a failed run, the current version untouched', async () => {
    await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/invalid.csv'));
    const before = (await rowsOfCurrent()).version.versionNo;
    const run = await runNow();
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('invalid_rows');
    expect(run.error?.message.zh).toContain('未通过校验');
    expect(run.versionId).not.toBeNull();
    expect((await rowsOfCurrent()).version.versionNo).toBe(before);
  });

  it('ends a run that takes longer than the timeout as a failed run saying so', async () => {
    await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/slow'));
    const started = Date.now();
    const run = await runNow();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connector_timeout');
    expect(run.error?.message.zh).toContain('超时');
    expect(run.error?.message.en).toContain('timed out');
  });

  it('retries a failing source after 1, 5 and 25 minutes, then marks it failing until it works', async () => {
    await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/fail'));
    // Start the count afresh: the earlier failures were manual runs of other settings.
    await t.app.db
      .updateTable('connectors')
      .set({ consecutive_failures: 0, failing_since: null, retry_attempt: 0 })
      .where('id', '=', connectorId)
      .execute();
    const first = await runNow();
    expect(first.state).toBe('failed');
    expect(first.error?.code).toBe('connector_http_status');
    expect(first.error?.message.zh).toContain('HTTP 500');
    // The source's own error page is never read into the run history or an answer.
    expect(first.error?.detail).toBe('HTTP 500');
    expect(JSON.stringify(first)).not.toContain('database down');
    const due = async () => {
      await t.app.db
        .updateTable('connectors')
        .set({ next_run_at: new Date(Date.now() - 1000) })
        .where('id', '=', connectorId)
        .execute();
      await t.app.jobs.runNow(CONNECTOR_DISPATCH_JOB, {});
    };
    const expectNext = async (minutes: number) => {
      const r = await row(connectorId);
      const next = r.next_run_at?.getTime() ?? 0;
      expect(Math.abs(next - (Date.now() + minutes * 60_000))).toBeLessThan(30_000);
    };
    await expectNext(1);
    expect((await row(connectorId)).retry_attempt).toBe(1);
    await due();
    await expectNext(5);
    expect((await connector()).failing).toBe(false);
    await due();
    await expectNext(25);
    const failing = await connector();
    expect(failing.failing).toBe(true);
    expect(failing.consecutiveFailures).toBe(3);
    expect(failing.lastError?.zh).toContain('HTTP 500');
    await due();
    // After the third retry it waits for the next scheduled (daily) time.
    const afterRetries = await row(connectorId);
    expect(afterRetries.retry_attempt).toBe(0);
    const [minute] = ((await connector()).effectiveCron ?? '').split(' ');
    const beijing = new Date((afterRetries.next_run_at?.getTime() ?? 0) + 8 * 3600_000);
    expect([beijing.getUTCHours(), beijing.getUTCMinutes()]).toEqual([1, Number(minute)]);
    expect((afterRetries.next_run_at?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const runs = await as('scjg.provider').request('GET', `${base()}/${connectorId}/runs?limit=4`);
    expect(runs.statusCode).toBe(200);
    const history = (runs.json() as { items: RunView[] }).items;
    expect(history.map((r) => [r.trigger, r.attempt, r.state])).toEqual([
      ['retry', 4, 'failed'],
      ['retry', 3, 'failed'],
      ['retry', 2, 'failed'],
      ['manual', 1, 'failed'],
    ]);
    const failures = await connectorFailures(t.app.db);
    expect(failures).toEqual([
      expect.objectContaining({
        connectorId,
        entryId,
        consecutiveFailures: 4,
        lastError: expect.objectContaining({ code: 'connector_http_status' }) as unknown,
      }),
    ]);
    expect(failures[0]?.failingSince).toBeInstanceOf(Date);
    expect(await connectorFailures(t.app.db, { orgIds: [failures[0]?.orgId ?? ''] })).toHaveLength(1);
    expect(await connectorFailures(t.app.db, { orgIds: [crypto.randomUUID()] })).toEqual([]);

    await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/utf8.csv'));
    expect(await runNow()).toMatchObject({ state: 'succeeded' });
    const healthy = await connector();
    expect(healthy).toMatchObject({ failing: false, consecutiveFailures: 0, lastError: null });
    expect(await connectorFailures(t.app.db)).toEqual([]);
  });

  it('is refused at run time once the administrator removes the address', async () => {
    const removed = await as('admin').request('DELETE', `/api/provision/connector-allow-list/${allowId}`);
    expect(removed.statusCode).toBe(204);
    const hitsBefore = hits['/utf8.csv'] ?? 0;
    const run = await runNow();
    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connector_address_not_allowed');
    // The source was never contacted.
    expect(hits['/utf8.csv'] ?? 0).toBe(hitsBefore);
    const res = await as('scjg.provider').request('PUT', `${base()}/${connectorId}`, httpBody('/utf8.csv'));
    expect(res.statusCode).toBe(422);
  });

  it('no longer answers the raw error text that runs before issue 10 kept (migration 0013)', async () => {
    const raw = {
      code: 'connector_http_status',
      message: {
        zh: '数据源返回 HTTP 500，未取得数据',
        en: 'The source answered HTTP 500; no data was read',
      },
      detail: 'HTTP 500 http://127.0.0.1/x: database down 数据库不可用',
    };
    const kept = { code: 'validation', message: raw.message, detail: 'mapping: no data item x' };
    const runs = await t.app.db
      .selectFrom('connector_runs')
      .select('id')
      .where('connector_id', '=', connectorId)
      .orderBy('started_at')
      .execute();
    await t.app.db
      .updateTable('connector_runs')
      .set({ error: JSON.stringify(raw) })
      .where('id', '=', runs[0]?.id ?? '')
      .execute();
    await t.app.db
      .updateTable('connector_runs')
      .set({ error: JSON.stringify(kept) })
      .where('id', '=', runs[1]?.id ?? '')
      .execute();
    await t.app.db
      .updateTable('connectors')
      .set({ last_error: JSON.stringify(raw) })
      .where('id', '=', connectorId)
      .execute();
    await removeRawErrorDetails(t.app.db);
    const history = await as('scjg.provider').request('GET', `${base()}/${connectorId}/runs?limit=100`);
    expect(history.body).not.toContain('database down');
    expect(history.body).toContain('mapping: no data item x');
    const stored = await t.app.db.selectFrom('connectors').select('last_error').execute();
    expect(stored).toEqual([{ last_error: { ...raw, detail: null } }]);
  });

  it('is removed with its run history by the department', async () => {
    const res = await as('scjg.provider').request('DELETE', `${base()}/${connectorId}`);
    expect(res.statusCode).toBe(204);
    expect(await t.app.db.selectFrom('connectors').selectAll().execute()).toEqual([]);
    expect(await t.app.db.selectFrom('connector_runs').selectAll().execute()).toEqual([]);
    expect((await as('scjg.provider').request('GET', `${base()}/${connectorId}/runs`)).statusCode).toBe(404);
  });
});
