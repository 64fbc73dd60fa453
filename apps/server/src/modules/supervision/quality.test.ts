import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { metadata, publishEntry } from '../../../test/catalog.ts';
import { scan, type QualityProblem } from './quality.ts';

let t: TestApp;
const s: Record<string, Session> = {};
const ids = { daily: '', weekly: '', monthly: '', heping: '' };
const DAY = 24 * 60 * 60 * 1000;

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

interface Overview {
  summary: {
    organisations: number;
    entries: number;
    withData: number;
    problems: number;
    byKind: Record<string, number>;
  };
  organisations: { orgName: string; entries: number; problems: number; byKind: Record<string, number> }[];
  items: QualityProblem[];
  total: number;
  page: number;
  pageSize: number;
}

interface EntryQuality {
  entry: { id: string; updateCycle: string; overdueAfterDays: number };
  currentVersionId: string | null;
  declaration: {
    rowCount: number | null;
    checksum: string | null;
    rowCountMatches: boolean | null;
    checksumMatches: boolean | null;
  } | null;
  checksum: string | null;
  versions: {
    versionNo: number;
    state: string;
    current: boolean;
    rowCount: number | null;
    excludedRowCount: number | null;
    completeness: number | null;
    validity: number | null;
    fields: { field: string; completeness: number | null; validShare: number | null }[];
  }[];
  problems: QualityProblem[];
}

async function overview(who: string, query = ''): Promise<Overview> {
  const res = await as(who).request('GET', `/api/provision/quality${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Overview;
}

async function detail(who: string, entryId: string): Promise<EntryQuality> {
  const res = await as(who).request('GET', `/api/provision/quality/entries/${entryId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as EntryQuality;
}

/** The kinds of problem an entry has now, as the city authority sees them. */
async function kindsOf(entryId: string): Promise<string[]> {
  const o = await overview('reviewer', '?pageSize=200');
  return o.items
    .filter((p) => p.entryId === entryId)
    .map((p) => p.kind)
    .sort();
}

const rows = (n: number, bad = 0) =>
  Array.from({ length: n }, (_, i) => ({
    record_no: `R${String(i + 1).padStart(5, '0')}`,
    record_date: i < bad ? '2025-13-45' : `2025-0${(i % 9) + 1}-1${i % 10}`,
  }));

async function push(entryId: string, records: Record<string, unknown>[], who = 'scjg.provider') {
  const session = as(who);
  return t.app.inject({
    method: 'POST',
    url: `/api/provision/entries/${entryId}/push`,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'idempotency-key': randomUUID() },
    payload: { rows: records },
  });
}

async function pushOk(entryId: string, records: Record<string, unknown>[], who = 'scjg.provider') {
  const res = await push(entryId, records, who);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { versionId: string; versionNo: number };
}

/** Pretends the entry's current version was completed, and its data last confirmed, `days` ago. */
async function currentVersionAged(entryId: string, days: number) {
  const at = new Date(Date.now() - days * DAY);
  const cur = await t.app.db
    .selectFrom('data_current')
    .select('version_id')
    .where('entry_id', '=', entryId)
    .executeTakeFirstOrThrow();
  await t.app.db
    .updateTable('data_versions')
    .set({ completed_at: at })
    .where('id', '=', cur.version_id)
    .execute();
  await t.app.db
    .updateTable('data_current')
    .set({ confirmed_at: at })
    .where('entry_id', '=', entryId)
    .execute();
}

/** `rows(n)` with one date changed: other data, so a new version (the same rows would be unchanged). */
const changedRows = (n: number) => rows(n).map((r, i) => (i === 0 ? { ...r, record_date: '2025-01-01' } : r));

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of [
    'reviewer',
    'admin',
    'heping.admin',
    'heping.reviewer',
    'scjg.cataloguer',
    'scjg.provider',
    'scjg.user',
    'heping.scjg.cataloguer',
    'heping.scjg.provider',
    'gongan.provider',
    'citizen',
  ])
    s[u] = await signIn(t.app, u);
  const base = { domains: ['企业登记监管'] };
  ids.daily = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '质量甲信息', updateCycle: 'daily', ...base }),
    )
  ).id;
  ids.weekly = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '质量乙信息', updateCycle: 'weekly', ...base }),
    )
  ).id;
  ids.monthly = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '质量丙信息', updateCycle: 'monthly', ...base }),
    )
  ).id;
  ids.heping = (
    await publishEntry(
      as('heping.scjg.cataloguer'),
      as('heping.reviewer'),
      metadata({ name: '质量丁信息', updateCycle: 'daily', ...base }),
    )
  ).id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('who sees what', () => {
  it('the city authority sees every department, a district authority its district, a department its own', async () => {
    const city = await overview('reviewer', '?pageSize=200');
    expect(city.items.map((p) => p.entryName).sort()).toEqual([
      '质量丁信息',
      '质量丙信息',
      '质量乙信息',
      '质量甲信息',
    ]);
    expect(city.summary.entries).toBe(4);
    expect(city.summary.byKind.no_data).toBe(4);
    // Organisations with problems come first, with their counts.
    expect(city.organisations.slice(0, 2).map((o) => [o.orgName, o.problems])).toEqual([
      ['沈阳市市场监督管理局', 3],
      ['沈阳市和平区市场监督管理局', 1],
    ]);
    expect(city.organisations.length).toBeGreaterThan(10);

    const heping = await overview('heping.admin');
    expect(heping.items.map((p) => p.entryName)).toEqual(['质量丁信息']);
    expect(heping.organisations.every((o) => o.orgName.includes('和平区'))).toBe(true);

    for (const who of ['scjg.provider', 'scjg.cataloguer']) {
      const own = await overview(who);
      expect(own.items.map((p) => p.entryName).sort()).toEqual(['质量丙信息', '质量乙信息', '质量甲信息']);
      expect(own.organisations.map((o) => o.orgName)).toEqual(['沈阳市市场监督管理局']);
    }
    const hepingDept = await overview('heping.scjg.cataloguer');
    expect(hepingDept.items.map((p) => p.entryName)).toEqual(['质量丁信息']);
  });

  it('refuses anonymous callers, citizens and staff without a watching role', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/api/provision/quality' });
    expect(anon.statusCode).toBe(401);
    for (const who of ['citizen', 'scjg.user']) {
      for (const url of ['/api/provision/quality', `/api/provision/quality/entries/${ids.daily}`]) {
        const res = await as(who).request('GET', url);
        expect(res.statusCode, `${who} ${url}`).toBe(403);
        expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        const problem = res.json() as { message?: { zh: string; en: string } };
        expect(JSON.stringify(problem)).toMatch(/[\u4e00-\u9fa5]/);
      }
    }
  });

  it("another department and another district's authority do not see an entry's quality", async () => {
    for (const who of ['gongan.provider', 'heping.admin', 'heping.scjg.cataloguer']) {
      const res = await as(who).request('GET', `/api/provision/quality/entries/${ids.daily}`);
      expect(res.statusCode, who).toBe(404);
    }
    expect(
      (await as('heping.admin').request('GET', `/api/provision/quality/entries/${ids.heping}`)).statusCode,
    ).toBe(200);
    expect(
      (await as('scjg.provider').request('GET', `/api/provision/quality/entries/${ids.heping}`)).statusCode,
    ).toBe(404);
    const own = await overview('scjg.provider');
    expect(own.total).toBe(3);
  });

  it("refuses an organisation filter outside the jurisdiction instead of answering for one's own", async () => {
    const hepingOrg = (await overview('heping.admin')).items[0]?.orgId ?? '';
    const scjgOrg = (await overview('scjg.provider')).items[0]?.orgId ?? '';
    for (const [who, orgId] of [
      ['scjg.provider', hepingOrg],
      ['heping.admin', scjgOrg],
      ['heping.scjg.cataloguer', scjgOrg],
    ] as const) {
      const res = await as(who).request('GET', `/api/provision/quality?orgId=${orgId}`);
      expect(res.statusCode, who).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect((res.json() as { fields: { field: string }[] }).fields[0]?.field).toBe('orgId');
    }
    // Inside it, the filter applies.
    expect((await overview('reviewer', `?orgId=${hepingOrg}`)).items.map((p) => p.entryName)).toEqual([
      '质量丁信息',
    ]);
    expect((await overview('heping.admin', `?orgId=${hepingOrg}`)).total).toBe(1);
  });

  it('answers a bad filter with a specific 400', async () => {
    const res = await as('reviewer').request('GET', '/api/provision/quality?kind=late');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});

describe('no data and overdue against the update cycle', () => {
  it('flags a published entry without data, with its age and who must act, until data arrives', async () => {
    const before = (await overview('scjg.provider', '?kind=no_data')).items.find(
      (p) => p.entryId === ids.daily,
    );
    expect(before).toMatchObject({ kind: 'no_data', ageDays: 0, escalated: false });
    expect(before?.mustAct.map((m) => m.role).sort()).toEqual(['cataloguer', 'provider']);
    await pushOk(ids.daily, rows(12));
    expect(await kindsOf(ids.daily)).toEqual([]);
  });

  it('a 每日 entry is overdue after 2 days without a new version; a new version clears it', async () => {
    await currentVersionAged(ids.daily, 1.5);
    expect(await kindsOf(ids.daily)).toEqual([]);
    await currentVersionAged(ids.daily, 3.2);
    const overdue = (await overview('reviewer', '?kind=overdue')).items.find((p) => p.entryId === ids.daily);
    expect(overdue).toMatchObject({
      kind: 'overdue',
      severity: 'medium',
      ageDays: 1,
      details: { updateCycle: 'daily', allowanceDays: 2 },
      mustAct: [{ orgName: '沈阳市市场监督管理局', role: 'provider' }],
    });
    await pushOk(ids.daily, changedRows(12));
    expect(await kindsOf(ids.daily)).toEqual([]);
  });

  it('a 每周 entry is overdue after 8 days; a long-overdue one is severe and goes to the authority', async () => {
    await pushOk(ids.weekly, rows(12));
    await currentVersionAged(ids.weekly, 7);
    expect(await kindsOf(ids.weekly)).toEqual([]);
    await currentVersionAged(ids.weekly, 9);
    expect(await kindsOf(ids.weekly)).toEqual(['overdue']);
    await currentVersionAged(ids.weekly, 45);
    const p = (await overview('reviewer', '?kind=overdue')).items.find((x) => x.entryId === ids.weekly);
    expect(p).toMatchObject({ severity: 'high', ageDays: 37, escalated: true });
    expect(p?.mustAct.map((m) => `${m.orgName}/${m.role}`)).toEqual([
      '沈阳市市场监督管理局/provider',
      '沈阳市大数据管理局/reviewer',
    ]);
  });

  it('an entry published long ago without data is escalated to its district authority', async () => {
    await t.app.db
      .updateTable('catalog_entries')
      .set({ first_published_at: new Date(Date.now() - 40 * DAY) })
      .where('id', '=', ids.heping)
      .execute();
    const p = (await overview('heping.reviewer')).items.find((x) => x.entryId === ids.heping);
    expect(p).toMatchObject({ kind: 'no_data', severity: 'high', ageDays: 40, escalated: true });
    expect(p?.mustAct.at(-1)).toMatchObject({ orgName: '沈阳市和平区大数据管理局', role: 'reviewer' });
  });
});

describe('completeness and validity per version', () => {
  it('flags rows left out, low validity and a clear fall against the previous version, then clears them', async () => {
    const set = await as('scjg.provider').request('PUT', `/api/provision/entries/${ids.daily}/settings`, {
      errorPolicy: 'exclude',
    });
    expect(set.statusCode, set.body).toBe(200);
    // 4 of 20 dates are invalid: they are left out; the item's valid share is 80%.
    await pushOk(ids.daily, rows(20, 4));
    expect(await kindsOf(ids.daily)).toEqual(['low_quality', 'quality_drop', 'rows_excluded']);
    const d = await detail('scjg.provider', ids.daily);
    const low = d.problems.find((p) => p.kind === 'low_quality');
    expect(low?.details).toMatchObject({ fields: [{ field: 'record_date', validShare: 0.8 }] });
    expect(d.problems.find((p) => p.kind === 'rows_excluded')?.details).toMatchObject({
      excluded: 4,
      received: 20,
    });
    expect(d.problems.find((p) => p.kind === 'quality_drop')?.details).toMatchObject({
      fields: [{ field: 'record_date', validShare: [1, 0.8] }],
    });
    // The trend: every version with rows, excluded rows, completeness and validity.
    expect(
      d.versions.map((v) => [v.versionNo, v.rowCount, v.excludedRowCount, v.validity, v.current]),
    ).toEqual([
      [3, 16, 4, 0.9, true],
      [2, 12, 0, 1, false],
      [1, 12, 0, 1, false],
    ]);
    expect(d.versions[0]?.completeness).toBe(1);
    expect(d.versions[0]?.fields.find((f) => f.field === 'record_date')?.validShare).toBe(0.8);

    await pushOk(ids.daily, rows(20));
    expect(await kindsOf(ids.daily)).toEqual([]);
  });

  it('flags a version with less than half the rows of the previous one', async () => {
    await pushOk(ids.daily, rows(4));
    const p = (await overview('scjg.provider', '?kind=quality_drop')).items.find(
      (x) => x.entryId === ids.daily,
    );
    expect(p?.details).toMatchObject({ rows: [20, 4], fields: [] });
    await pushOk(ids.daily, rows(5));
    expect(await kindsOf(ids.daily)).toEqual([]);
  });
});

describe("consistency with the department's declaration", () => {
  const declare = (who: string, entryId: string, body: unknown) =>
    as(who).request('PUT', `/api/provision/quality/entries/${entryId}/declaration`, body);

  it('flags a row count that differs from the current version and clears when it is equal', async () => {
    const res = await declare('scjg.provider', ids.daily, { rowCount: 999, checksum: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rowCount: 999, rowCountMatches: false, checksumMatches: null });
    const p = (await overview('reviewer', '?kind=declared_mismatch')).items.find(
      (x) => x.entryId === ids.daily,
    );
    expect(p).toMatchObject({ severity: 'high', details: { declaredRowCount: 999, rowCount: 5 } });
    const ok = await declare('scjg.provider', ids.daily, { rowCount: 5, checksum: null });
    expect(ok.json()).toMatchObject({ rowCountMatches: true });
    expect(await kindsOf(ids.daily)).toEqual([]);
  });

  it('compares an SM3 checksum with the file provided', async () => {
    const file = Buffer.from('record_no,record_date\r\nR1,2025-01-02\r\nR2,2025-02-03\r\n', 'utf8');
    const session = as('scjg.provider');
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/provision/entries/${ids.monthly}/upload?format=csv`,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'text/csv' },
      payload: file,
    });
    expect(up.statusCode, up.body).toBe(201);
    const sm3 = createHash('sm3').update(file).digest('hex');
    expect((await detail('scjg.provider', ids.monthly)).checksum).toBe(sm3);

    const same = await declare('scjg.provider', ids.monthly, { rowCount: 2, checksum: sm3.toUpperCase() });
    expect(same.json()).toMatchObject({ checksum: sm3, rowCountMatches: true, checksumMatches: true });
    expect(await kindsOf(ids.monthly)).toEqual([]);

    const other = createHash('sm3').update('something else').digest('hex');
    await declare('scjg.provider', ids.monthly, { rowCount: 2, checksum: other });
    const p = (await overview('scjg.provider', '?kind=declared_mismatch')).items.find(
      (x) => x.entryId === ids.monthly,
    );
    expect(p?.details).toMatchObject({ checksumMatches: false, rowCountMatches: true, checksum: sm3 });

    // Withdrawn: nothing left to compare.
    const withdrawn = await declare('scjg.provider', ids.monthly, { rowCount: null, checksum: null });
    expect(withdrawn.json()).toBeNull();
    expect(await kindsOf(ids.monthly)).toEqual([]);
  });

  it('a pushed version has no file checksum: a stated checksum is not compared', async () => {
    const sum = createHash('sm3').update('x').digest('hex');
    const res = await declare('scjg.provider', ids.daily, { rowCount: 5, checksum: sum });
    expect(res.json()).toMatchObject({ rowCountMatches: true, checksumMatches: null });
    expect(await kindsOf(ids.daily)).toEqual([]);
  });

  it('refuses a bad declaration, and one by anyone but the department’s providers, changing nothing', async () => {
    const before = await detail('scjg.provider', ids.daily);
    const bad = await declare('scjg.provider', ids.daily, { rowCount: 5, checksum: 'not-a-digest' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const negative = await declare('scjg.provider', ids.daily, { rowCount: -1, checksum: null });
    expect(negative.statusCode).toBe(400);
    expect((await declare('gongan.provider', ids.daily, { rowCount: 1, checksum: null })).statusCode).toBe(
      403,
    );
    expect((await declare('scjg.cataloguer', ids.daily, { rowCount: 1, checksum: null })).statusCode).toBe(
      403,
    );
    expect((await declare('reviewer', ids.daily, { rowCount: 1, checksum: null })).statusCode).toBe(403);
    const anon = await t.app.inject({
      method: 'PUT',
      url: `/api/provision/quality/entries/${ids.daily}/declaration`,
      payload: { rowCount: 1, checksum: null },
    });
    expect(anon.statusCode).toBe(401);
    expect((await detail('scjg.provider', ids.daily)).declaration).toEqual(before.declaration);
  });
});

describe('paging and filters', () => {
  it('pages the problems and filters by organisation and severity', async () => {
    const all = await overview('reviewer', '?pageSize=200');
    expect(all.total).toBeGreaterThanOrEqual(2);
    const first = await overview('reviewer', '?pageSize=1&page=1');
    const second = await overview('reviewer', '?pageSize=1&page=2');
    expect(first.items).toHaveLength(1);
    expect(first.total).toBe(all.total);
    expect(second.items[0]?.entryId).toBe(all.items[1]?.entryId);
    // Most severe first.
    expect(all.items[0]?.severity).toBe('high');
    const high = await overview('reviewer', '?severity=high&pageSize=200');
    expect(high.items.every((p) => p.severity === 'high')).toBe(true);
    const orgId = all.items.find((p) => p.entryId === ids.heping)?.orgId ?? '';
    const one = await overview('reviewer', `?orgId=${orgId}`);
    expect(one.items.map((p) => p.entryId)).toEqual([ids.heping]);
  });
});

describe('the daily scan', () => {
  it('tells whoever must act once about each new problem, and the authority about escalated ones', async () => {
    const inbox = async (who: string) => {
      const res = await as(who).request('GET', '/api/notifications');
      expect(res.statusCode, res.body).toBe(200);
      return (
        res.json() as { items: { kind: string; title: { zh: string; en: string }; link: string | null }[] }
      ).items.filter((n) => n.kind === 'provision.quality');
    };
    const first = await scan(t.app.db);
    expect(first.problems).toBeGreaterThan(0);
    expect(first.newNotices).toBeGreaterThan(0);
    const provider = await inbox('scjg.provider');
    expect(provider).toHaveLength(1);
    expect(provider[0]?.link).toBe('/workspace/provision/quality');
    expect(provider[0]?.title.zh).toMatch(/^数据质量：/);
    expect(provider[0]?.title.en).toMatch(/^Data quality: /);
    expect(await inbox('heping.scjg.cataloguer')).toHaveLength(1);
    expect(await inbox('heping.reviewer')).toHaveLength(1);
    expect(await inbox('reviewer')).toHaveLength(1);

    const again = await scan(t.app.db);
    expect(again.newNotices).toBe(0);
    expect(await inbox('scjg.provider')).toHaveLength(1);

    // A new problem is told about.
    await currentVersionAged(ids.daily, 3);
    const next = await scan(t.app.db);
    expect(next.newNotices).toBe(1);
    expect(await inbox('scjg.provider')).toHaveLength(2);
  });

  it('runs as the daily durable job provision-quality-scan', async () => {
    const result = (await t.app.jobs.runNow('provision-quality-scan', {})) as {
      problems: number;
      newNotices: number;
    };
    expect(result.problems).toBeGreaterThan(0);
    expect(result.newNotices).toBe(0);
  });
});

describe('connector failures', () => {
  it('lists a connector failing run after run for its department and authority, until it is removed', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('服务维护中');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const allowed = await as('admin').request('POST', '/api/provision/connector-allow-list', {
        host: '127.0.0.1',
        portFrom: port,
        portTo: port,
      });
      expect(allowed.statusCode, allowed.body).toBe(201);
      const base = `/api/provision/entries/${ids.monthly}/connectors`;
      const created = await as('scjg.provider').request('POST', base, {
        kind: 'http',
        enabled: true,
        schedule: 'manual',
        url: `http://127.0.0.1:${port}/data.csv`,
        format: 'csv',
      });
      expect(created.statusCode, created.body).toBe(201);
      const connectorId = (created.json() as { id: string }).id;
      const failing = async (who: string) =>
        (await overview(who, '?kind=connector_failing')).items.filter((p) => p.entryId === ids.monthly);

      const run = await as('scjg.provider').request('POST', `${base}/${connectorId}/run`, {});
      expect(run.statusCode, run.body).toBe(200);
      expect(await failing('scjg.provider')).toEqual([]);
      for (let i = 0; i < 2; i++) await as('scjg.provider').request('POST', `${base}/${connectorId}/run`, {});

      const [problem] = await failing('scjg.provider');
      expect(problem).toMatchObject({ kind: 'connector_failing', severity: 'high' });
      expect(problem?.message.zh).toContain('HTTP 500');
      expect(await failing('reviewer')).toHaveLength(1);
      expect((await overview('gongan.provider')).items.some((p) => p.entryId === ids.monthly)).toBe(false);

      const removed = await as('scjg.provider').request('DELETE', `${base}/${connectorId}`);
      expect(removed.statusCode, removed.body).toBe(204);
      expect(await failing('scjg.provider')).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
