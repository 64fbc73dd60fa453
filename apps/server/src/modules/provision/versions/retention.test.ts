/**
 * Retention of data versions (issue 12): the current version, the last N and those younger than D
 * days are kept (the entry's own rule, else the city's default); the daily job retires the others —
 * table dropped, record kept, audited — and a retired version cannot be read, exported or restored,
 * with a message that says why. Each retirement is one transaction: a failure half-way leaves the
 * version whole.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import { uploadAs } from '../../../../test/provision.ts';
import { retireVersions, versionsToRetire, type RetentionCandidate } from './retention.ts';

const DAY = 86_400_000;
let t: TestApp;
const s: Record<string, Session> = {};
const as = (u: string) => s[u] as Session;

describe('which versions retention retires', () => {
  const now = new Date('2026-12-08T00:00:00Z');
  const v = (versionNo: number, daysOld: number, kind: 'table' | 'files' = 'table'): RetentionCandidate => ({
    id: `v${versionNo}`,
    versionNo,
    kind,
    completedAt: new Date(now.getTime() - daysOld * DAY),
  });
  const ids = (list: RetentionCandidate[]) => list.map((x) => x.id);

  it('keeps the current version, the last N, the young ones and those held; retires the rest', () => {
    const versions = [v(1, 100), v(2, 90), v(3, 80), v(4, 40), v(5, 20), v(6, 1)];
    expect(ids(versionsToRetire(versions, 'v6', { keepVersions: 2, keepDays: 30 }, now))).toEqual([
      'v4',
      'v3',
      'v2',
      'v1',
    ]);
    // The current version is kept even when it is old and not among the last N (a restore made it current).
    expect(ids(versionsToRetire(versions, 'v1', { keepVersions: 1, keepDays: 0 }, now))).toEqual([
      'v5',
      'v4',
      'v3',
      'v2',
    ]);
    expect(ids(versionsToRetire(versions, 'v6', { keepVersions: 10, keepDays: 0 }, now))).toEqual([]);
    expect(ids(versionsToRetire(versions, 'v6', { keepVersions: 1, keepDays: 85 }, now))).toEqual([
      'v2',
      'v1',
    ]);
    expect(
      ids(versionsToRetire(versions, 'v6', { keepVersions: 2, keepDays: 30 }, now, new Set(['v3', 'v1']))),
    ).toEqual(['v4', 'v2']);
    // Files versions are not retired.
    expect(
      ids(
        versionsToRetire([v(1, 100, 'files'), v(2, 1, 'files')], 'v2', { keepVersions: 1, keepDays: 0 }, now),
      ),
    ).toEqual([]);
  });
});

let entrySeq = 0;
async function newEntryWithVersions(count: number): Promise<string> {
  entrySeq++;
  const entry = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({
      name: `保留规则测试数据${entrySeq}`,
      dataItems: [item('code', '编号'), item('amount', '金额', { dataType: 'integer', length: null })],
    }),
  );
  for (let n = 1; n <= count; n++) {
    const rows = Array.from({ length: n + 2 }, (_, i) => `R${i + 1},${i * n}`);
    const res = await uploadAs(
      t.app,
      as('scjg.provider'),
      entry.id,
      `code,amount\n${rows.join('\n')}\n`,
      'format=csv',
    );
    expect(res.statusCode, res.body).toBe(201);
  }
  return entry.id;
}

/** Pretends versions 1…n of the entry were provided `days` ago. */
async function age(entryId: string, upTo: number, days: number) {
  await t.app.db
    .updateTable('data_versions')
    .set({ completed_at: new Date(Date.now() - days * DAY) })
    .where('entry_id', '=', entryId)
    .where('version_no', '<=', upTo)
    .execute();
}

async function versions(entryId: string) {
  return t.app.db
    .selectFrom('data_versions')
    .select(['version_no', 'state', 'table_name', 'row_count', 'sm3', 'retired_at'])
    .where('entry_id', '=', entryId)
    .orderBy('version_no')
    .execute();
}

async function tableExists(name: string | null): Promise<boolean> {
  const { rows } = await sql<{
    ok: boolean;
  }>`select to_regclass(${`resource_data.${name ?? ''}`}) is not null as ok`.execute(t.app.db);
  return rows[0]?.ok === true;
}

async function setCity(who: string, body: unknown, status = 200) {
  const res = await as(who).request('PUT', '/api/provision/retention', body);
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as { keepVersions: number; keepDays: number; code?: string };
}

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of [
    'admin',
    'heping.admin',
    'scjg.cataloguer',
    'scjg.provider',
    'gongan.provider',
    'reviewer',
  ])
    s[u] = await signIn(t.app, u);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('retiring old versions', () => {
  it('keeps everything under the default (10 versions, 30 days)', async () => {
    expect((await as('admin').request('GET', '/api/provision/retention')).json()).toEqual({
      keepVersions: 10,
      keepDays: 30,
    });
    const entryId = await newEntryWithVersions(4);
    await age(entryId, 3, 40);
    await retireVersions(t.app.db);
    expect((await versions(entryId)).map((v) => v.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
  });

  it('retires what the city rule leaves out: table dropped, record kept, audited', async () => {
    const entryId = await newEntryWithVersions(6);
    await age(entryId, 4, 40);
    const before = await versions(entryId);
    expect(await setCity('admin', { keepVersions: 2, keepDays: 30 })).toEqual({
      keepVersions: 2,
      keepDays: 30,
    });
    const retired = await retireVersions(t.app.db);
    expect(retired).toBeGreaterThanOrEqual(4);
    const after = await versions(entryId);
    expect(after.map((v) => [v.version_no, v.state])).toEqual([
      [1, 'retired'],
      [2, 'retired'],
      [3, 'retired'],
      [4, 'retired'],
      [5, 'ready'],
      [6, 'ready'],
    ]);
    for (const [i, v] of after.entries()) {
      // The record stays as it was: rows and SM3 of what was provided.
      expect([v.row_count, v.sm3]).toEqual([before[i]?.row_count, before[i]?.sm3]);
      expect(await tableExists(v.table_name)).toBe(v.state === 'ready');
    }
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select(['detail'])
      .where('action', '=', 'provision.version_retired')
      .where('target_id', '=', entryId)
      .execute();
    expect(audit.map((a) => (a.detail as { versionNo: number }).versionNo).sort()).toEqual([1, 2, 3, 4]);
    // Listed as retired, with when.
    const list = (
      await as('scjg.provider').request('GET', `/api/provision/entries/${entryId}/versions`)
    ).json() as {
      items: { versionNo: number; state: string; retiredAt: string | null }[];
    };
    expect(list.items.find((v) => v.versionNo === 2)).toMatchObject({
      state: 'retired',
      retiredAt: expect.any(String),
    });
    expect(list.items.find((v) => v.versionNo === 6)?.retiredAt).toBeNull();

    // A retired version cannot be read, compared, exported or restored, and says why.
    const id2 = (
      await t.app.db
        .selectFrom('data_versions')
        .select('id')
        .where('entry_id', '=', entryId)
        .where('version_no', '=', 2)
        .executeTakeFirstOrThrow()
    ).id;
    const base = `/api/provision/entries/${entryId}`;
    for (const [method, url] of [
      ['GET', `${base}/rows?version=2`],
      ['GET', `${base}/compare?from=2&to=6`],
      ['GET', `${base}/export?format=csv&version=2`],
      ['POST', `${base}/versions/${id2}/restore`],
    ] as const) {
      const res = await as('scjg.provider').request(method, url);
      expect(res.statusCode, url).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'version_retired',
        message: { zh: expect.stringContaining('v2 已按保留规则清理') },
      });
    }
    // The versions kept still compare.
    expect((await as('scjg.provider').request('GET', `${base}/compare?from=5&to=6`)).statusCode).toBe(200);
    // Running again retires nothing more.
    await retireVersions(t.app.db);
    expect((await versions(entryId)).filter((v) => v.state === 'retired')).toHaveLength(4);
  });

  it('follows an entry’s own rule over the city’s, set by its provider', async () => {
    const entryId = await newEntryWithVersions(5);
    await age(entryId, 5, 40);
    const res = await as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/settings`, {
      keepVersions: 4,
      keepDays: 0,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      keepVersions: 4,
      keepDays: 0,
      retention: { keepVersions: 4, keepDays: 0 },
    });
    await retireVersions(t.app.db);
    expect((await versions(entryId)).map((v) => v.state)).toEqual([
      'retired',
      'ready',
      'ready',
      'ready',
      'ready',
    ]);
    // Back to the city's default (2 versions): null clears the entry's own rule.
    const cleared = await as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/settings`, {
      keepVersions: null,
      keepDays: null,
    });
    expect(cleared.json()).toMatchObject({
      keepVersions: null,
      retention: { keepVersions: 2, keepDays: 30 },
    });
    // Another department may not change it.
    const other = await as('gongan.provider').request('PUT', `/api/provision/entries/${entryId}/settings`, {
      keepVersions: 1,
    });
    expect(other.statusCode).toBe(403);
  });

  it('lets only the city administrator set the city’s rule, with bounds', async () => {
    for (const who of ['scjg.provider', 'heping.admin', 'reviewer']) {
      expect(
        (await as(who).request('PUT', '/api/provision/retention', { keepVersions: 1, keepDays: 1 }))
          .statusCode,
        who,
      ).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/provision/retention' })).statusCode).toBe(401);
    const bad = await setCity('admin', { keepVersions: 0, keepDays: 30 }, 400);
    expect(bad).toMatchObject({ code: 'validation' });
    expect((await as('admin').request('GET', '/api/provision/retention')).json()).toEqual({
      keepVersions: 2,
      keepDays: 30,
    });
  });

  it('leaves a version whole when its retirement fails half-way', async () => {
    const entryId = await newEntryWithVersions(4);
    await age(entryId, 4, 40);
    // A failure after the table is dropped, inside the same transaction.
    await sql`create function huitong_test_refuse_retire() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`.execute(t.app.db);
    await sql`create trigger huitong_test_refuse_retire before update on data_versions
      for each row when (new.state = 'retired') execute function huitong_test_refuse_retire()`.execute(
      t.app.db,
    );
    try {
      await expect(retireVersions(t.app.db)).rejects.toThrow(/refused by the test/);
    } finally {
      await sql`drop trigger huitong_test_refuse_retire on data_versions`.execute(t.app.db);
      await sql`drop function huitong_test_refuse_retire()`.execute(t.app.db);
    }
    for (const v of await versions(entryId)) {
      expect(v.state).toBe('ready');
      expect(await tableExists(v.table_name)).toBe(true);
    }
    await retireVersions(t.app.db);
    expect((await versions(entryId)).map((v) => v.state)).toEqual(['retired', 'retired', 'ready', 'ready']);
  });
});
