import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { DEMO_DATASETS, DEMO_FILES } from '../../demo/datasets.ts';
import { demoPath } from '../../demo/read.ts';
import { loadDemoData } from './demo-loader.ts';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-11-20T02:00:00Z');
const silent = { info: () => undefined, error: () => undefined };

let t: TestApp;
let filesDir = '';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-demo-data-'));
beforeAll(async () => {
  t = await buildTestApp({ demoCatalog: true, dataDir });
  filesDir = path.join(dataDir, 'files');
}, 120_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function entryId(name: string): Promise<string> {
  const row = await t.app.db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select('e.id')
    .where(sql<string>`v.metadata->>'name'`, '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function versionsOf(id: string) {
  const rows = await t.app.db
    .selectFrom('data_versions')
    .select(['id', 'version_no', 'state', 'source', 'row_count', 'completed_at'])
    .where('entry_id', '=', id)
    .orderBy('version_no')
    .execute();
  return rows.map((v) => ({
    ...v,
    rowCount: Number(v.row_count),
    completedAt: v.completed_at?.getTime() ?? 0,
  }));
}

describe('demo datasets in the demo city', () => {
  it('stops at the next row when the server shuts down, and loads that entry again at the next start', async () => {
    // A signal aborted after 100 rows of the 320 schools: the loader checks it before each row.
    let reads = 0;
    const signal = {
      get aborted() {
        reads++;
        return reads > 100;
      },
    } as AbortSignal;
    const schools = '中小学校基本信息';
    expect(await loadDemoData(t.app.database, silent, { now: NOW, only: [schools], signal })).toBe(0);
    expect(reads).toBeGreaterThan(100);
    const id = await entryId(schools);
    expect((await versionsOf(id)).map((v) => [v.state, v.rowCount])).toEqual([['cancelled', 0]]);
    const current = await t.app.db
      .selectFrom('data_current')
      .select('version_id')
      .where('entry_id', '=', id)
      .executeTakeFirst();
    expect(current).toBeUndefined();

    expect(await loadDemoData(t.app.database, silent, { now: NOW, only: [schools] })).toBe(1);
    expect((await versionsOf(id)).map((v) => [v.version_no, v.state, v.rowCount])).toEqual([
      [1, 'cancelled', 0],
      [2, 'ready', 320],
    ]);
  }, 120_000);

  it('loads an entry on its own, and later only the entries still without data', async () => {
    expect(await loadDemoData(t.app.database, silent, { now: NOW, only: ['公交站点位置信息'] })).toBe(1);
    const busStops = await entryId('公交站点位置信息');
    const before = await versionsOf(busStops);
    expect(before).toHaveLength(1);

    const loaded = await loadDemoData(t.app.database, silent, { now: NOW, filesDir });
    // All but the bus stops and the schools (loaded by the test above).
    expect(loaded).toBe(DEMO_DATASETS.length - 2 + DEMO_FILES.length);
    expect(await versionsOf(busStops)).toEqual(before);
    // A restart loads nothing more.
    expect(await loadDemoData(t.app.database, silent, { now: NOW, filesDir })).toBe(0);
  }, 300_000);

  it('gives every dataset a current, ready version with all its rows, readable by the department', async () => {
    for (const dataset of DEMO_DATASETS) {
      const id = await entryId(dataset.entryName);
      const current = await t.app.db
        .selectFrom('data_current as c')
        .innerJoin('data_versions as v', 'v.id', 'c.version_id')
        .select(['v.state', 'v.source', 'v.row_count', 'v.excluded_row_count'])
        .where('c.entry_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(
        {
          ...current,
          row_count: Number(current.row_count),
          excluded_row_count: Number(current.excluded_row_count),
        },
        dataset.entryName,
      ).toEqual({ state: 'ready', source: 'demo', row_count: dataset.rows, excluded_row_count: 0 });
    }
    const provider = await signIn(t.app, 'scjg.provider');
    const id = await entryId('市场主体登记注册信息');
    const res = await provider.request('GET', `/api/provision/entries/${id}/rows?pageSize=2`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { total: number; rows: { values: Record<string, string | null> }[] };
    expect(page.total).toBe(100_000);
    expect(page.rows[0]?.values.credit_code).toMatch(/^[0-9A-HJ-NPQRTUWXY]{18}$/);
  });

  it('dates versions as provided: most hours ago, the real-time weather data four days old', async () => {
    const weather = await versionsOf(await entryId('自动气象站逐小时观测数据'));
    expect(weather).toHaveLength(1);
    expect(weather.map((v) => NOW.getTime() - v.completedAt)).toEqual([4 * DAY_MS]);
    const enterprises = await versionsOf(await entryId('市场主体登记注册信息'));
    expect(enterprises.map((v) => NOW.getTime() - v.completedAt)).toEqual([3 * 3_600_000]);
  });

  it('gives the consumer price index two versions, the second adding a month', async () => {
    const id = await entryId('居民消费价格指数');
    const versions = await versionsOf(id);
    expect(versions.map((v) => v.version_no)).toEqual([1, 2]);
    const provider = await signIn(t.app, 'tj.provider');
    const res = await provider.request('GET', `/api/provision/entries/${id}/compare?from=1&to=2`);
    expect(res.statusCode, res.body).toBe(200);
    const diff = res.json() as { rows: { added: number; removed: number; changed: number } };
    expect(diff.rows.added).toBeGreaterThan(0);
    expect(diff.rows.added).toBe((versions[1]?.rowCount ?? 0) - (versions[0]?.rowCount ?? 0));
    expect(diff.rows.removed).toBe(0);
    expect(diff.rows.changed).toBe(0);
  });

  it('states a row count for the housing fund that differs from what was provided', async () => {
    const id = await entryId('住房公积金缴存信息');
    const settings = await t.app.db
      .selectFrom('provision_settings')
      .select(['declared_row_count', 'key_fields'])
      .where('entry_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(settings.key_fields).toEqual(['account_number']);
    const versions = await versionsOf(id);
    expect(versions).toHaveLength(1);
    expect(Number(settings.declared_row_count)).not.toBe(versions[0]?.rowCount);
  });

  it('gives the two file entries their file, downloaded with the same bytes, SM3 and Chinese name', async () => {
    const reviewer = await signIn(t.app, 'reviewer');
    for (const file of DEMO_FILES) {
      const id = await entryId(file.entryName);
      const [version] = await versionsOf(id);
      const list = await reviewer.request(
        'GET',
        `/api/provision/entries/${id}/versions/${version?.id}/files`,
      );
      expect(list.statusCode, list.body).toBe(200);
      // The reviewer lists the files; only the department's providers and approvers download them.
      expect(
        (await reviewer.request('GET', `/api/provision/entries/${id}/versions/${version?.id}/files/1`))
          .statusCode,
      ).toBe(403);
      const owner = await t.app.db
        .selectFrom('catalog_entries as e')
        .innerJoin('accounts as a', 'a.org_id', 'e.org_id')
        .innerJoin('account_roles as r', 'r.account_id', 'a.id')
        .select('a.username')
        .where('e.id', '=', id)
        .where('r.role', '=', 'provider')
        .executeTakeFirstOrThrow();
      const provider = await signIn(t.app, owner.username);
      const res = await provider.request(
        'GET',
        `/api/provision/entries/${id}/versions/${version?.id}/files/1`,
      );
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      const bytes = res.rawPayload;
      expect(bytes.equals(await fs.promises.readFile(demoPath(file.file)))).toBe(true);
      expect(res.headers['content-type']).toContain(file.mediaType);
      expect(res.headers['x-content-sm3']).toBe(createHash('sm3').update(bytes).digest('hex'));
      const disposition = String(res.headers['content-disposition']);
      const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
      expect(decodeURIComponent(encoded)).toBe(file.fileName);
    }
  });
});
