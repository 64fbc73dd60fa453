/**
 * The in-memory search index answers exactly what the SQL search (`search @@ to_tsquery`, ranked by
 * `ts_rank_cd`, facets by grouping sets) answers, and stays current with what any server writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, orgIdByName, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { metadata, publishEntry } from '../../../test/catalog.ts';
import { TEST_BACKEND, createTestDatabase } from '../../../test/database.ts';
import { createDatabase } from '../../db/database.ts';
import * as catalog from './catalog.service.ts';

let t: TestApp;
let cataloguer: Session;
let reviewer: Session;
let admin: Session;

beforeAll(async () => {
  t = await buildTestApp({ demoCatalog: true });
  cataloguer = await signIn(t.app, 'sthj.cataloguer');
  reviewer = await signIn(t.app, 'reviewer');
  admin = await signIn(t.app, 'admin');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Filter = Parameters<typeof catalog.search>[1];

const QUERIES = [
  '企业登记',
  '登记',
  '公民身份号码',
  '空气质量',
  '质量',
  'kqzl',
  'kongqi',
  'kong qi',
  'gongjiao',
  '公交站点',
  '医',
  '交通 gj',
  '的',
  '学校 招生 信息',
  'zzzz',
  '',
];

async function compare(filter: Filter, page = 1, pageSize = 20) {
  const fast = await catalog.search(t.app.db, filter, page, pageSize);
  const reference = await catalog.sqlSearch(t.app.db, filter, page, pageSize);
  const label = JSON.stringify(filter);
  expect(fast.total, label).toBe(reference.total);
  expect(
    fast.rows.map((r) => r.id),
    label,
  ).toEqual(reference.rows.map((r) => r.id));
  expect(fast.facets, label).toEqual(reference.facets);
  return fast;
}

describe('the in-memory index', () => {
  it('matches, ranks, pages and counts facets as the SQL search does', async () => {
    let nonEmpty = 0;
    for (const q of QUERIES) {
      const r = await compare({ q });
      if (r.total > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(10);
  });

  it('does so with every filter, on the open catalog, and on later pages', async () => {
    const scjg = await orgIdByName(t.app, '沈阳市市场监督管理局');
    const filters: Filter[] = [
      { orgId: scjg },
      { q: '信息', orgId: scjg },
      { divisionCode: '210102' },
      { q: '登记', classification: 'base' },
      { q: '信息', domain: '交通' },
      { shareType: 'conditional' },
      { q: '数据', openType: 'open' },
      { format: 'file' },
      { q: '信息', updateCycle: 'daily' },
      { q: '信息', openCatalogOnly: true },
      { q: '登记', openCatalogOnly: true, domain: '企业登记监管' },
    ];
    for (const f of filters) await compare(f);
    await compare({ q: '信息' }, 3, 10);
    await compare({}, 5, 20);
  });

  it('shows a publication at once, and a renamed department under its new name', async () => {
    const before = await catalog.search(t.app.db, { q: '噪声地图' }, 1, 20);
    expect(before.total).toBe(0);
    const entry = await publishEntry(
      cataloguer,
      reviewer,
      metadata({
        name: '城市噪声地图数据',
        domains: ['环境'],
        category: { l1: '部门', l2: '生态环境', l3: null, l4: null },
      }),
    );
    const after = await compare({ q: '噪声地图' });
    expect(after.rows.map((r) => r.id)).toEqual([entry.id]);

    const orgId = await orgIdByName(t.app, '沈阳市生态环境局');
    const renamed = await admin.request('PATCH', `/api/organisations/${orgId}`, {
      name: '沈阳市生态环境保护局',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    // A rename is seen by the next check of the database, within REFRESH_INTERVAL_MS.
    await expect
      .poll(async () => (await catalog.search(t.app.db, { q: '噪声地图' }, 1, 20)).rows[0]?.orgName, {
        timeout: 5000,
        interval: 100,
      })
      .toBe('沈阳市生态环境保护局');
    const again = await compare({ q: '噪声地图' });
    expect(again.facets.org.map((f) => f.label)).toEqual(['沈阳市生态环境保护局']);
  });

  it.runIf(TEST_BACKEND === 'postgres')(
    'sees what another server process published on the same database',
    async () => {
      const shared = await createTestDatabase();
      const one = await buildTestApp({}, shared);
      const otherHandle = await createDatabase({ databaseUrl: shared.url ?? '', poolSize: 2 });
      try {
        // The second "process" builds its index first, then the first one publishes.
        expect((await catalog.search(otherHandle.db, { q: '噪声地图' }, 1, 20)).total).toBe(0);
        await publishEntry(
          await signIn(one.app, 'sthj.cataloguer'),
          await signIn(one.app, 'reviewer'),
          metadata({ name: '城市噪声地图数据' }),
        );
        // The other process sees it within REFRESH_INTERVAL_MS, when it next asks the database.
        await expect
          .poll(
            async () =>
              (await catalog.search(otherHandle.db, { q: '噪声地图' }, 1, 20)).rows.map((r) => r.name),
            { timeout: 5000, interval: 100 },
          )
          .toEqual(['城市噪声地图数据']);
      } finally {
        await otherHandle.close();
        await one.close();
      }
    },
    60_000,
  );
});
