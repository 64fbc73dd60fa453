/**
 * Search relevance on the demo catalog: fixed Chinese, partial-word and pinyin queries must put the
 * expected resource in the top 3, in the workspace and (for open data) on the public portal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { PRIORITY_DOMAINS } from './catalog.model.ts';

let t: TestApp;
let staff: Session;

interface Result {
  items: { name: string; orgName: string; openType: string }[];
  total: number;
  facets: Record<string, { value: string; count: number }[]>;
}

beforeAll(async () => {
  t = await buildTestApp({ demoCatalog: true });
  staff = await signIn(t.app, 'gongan.user');
});
afterAll(async () => {
  await t?.close();
});

const top3 = async (url: string) =>
  ((await staff.request('GET', url)).json() as Result).items.slice(0, 3).map((i) => i.name);
const publicTop3 = async (url: string) =>
  ((await t.app.inject({ method: 'GET', url })).json() as Result).items.slice(0, 3).map((i) => i.name);

describe('demo catalog', () => {
  it('has at least 150 published entries across departments, every priority domain open', async () => {
    const all = (await staff.request('GET', '/api/catalog/entries?pageSize=1')).json() as Result;
    expect(all.total).toBeGreaterThanOrEqual(150);
    expect(all.facets.org?.length).toBeGreaterThanOrEqual(20);
    for (const type of ['unconditional', 'conditional', 'none']) {
      expect(all.facets.shareType?.some((f) => f.value === type)).toBe(true);
    }
    const open = (
      await t.app.inject({ method: 'GET', url: '/api/open/catalog?pageSize=1&openType=open' })
    ).json() as Result;
    for (const domain of PRIORITY_DOMAINS) {
      expect(open.facets.domain?.find((f) => f.value === domain)?.count ?? 0, domain).toBeGreaterThanOrEqual(
        1,
      );
    }
    const drafts = await t.app.db
      .selectFrom('catalog_versions')
      .select('state')
      .where('state', 'in', ['draft', 'submitted'])
      .execute();
    expect(drafts.length).toBeGreaterThan(0);
  });
});

describe('relevance', () => {
  const cases: [string, string][] = [
    ['企业登记', '市场主体登记注册信息'],
    ['空气质量', '空气质量监测数据'],
    ['kqzl', '空气质量监测数据'],
    ['kongqi', '空气质量监测数据'],
    ['公交站点', '公交站点位置信息'],
    ['gongjiao', '公交站点位置信息'],
    ['公民身份号码', '人口基础信息'],
  ];
  for (const [q, expected] of cases) {
    it(`${q} → ${expected}`, async () => {
      expect(await top3(`/api/catalog/entries?q=${encodeURIComponent(q)}`)).toContain(expected);
    });
  }

  it('finds open data on the portal, and never a closed resource there', async () => {
    expect(await publicTop3(`/api/open/catalog?q=${encodeURIComponent('空气质量')}`)).toContain(
      '空气质量监测数据',
    );
    expect(await publicTop3(`/api/open/catalog?q=${encodeURIComponent('企业登记')}`)).toContain(
      '市场主体登记注册信息',
    );
    const population = (
      await t.app.inject({ method: 'GET', url: `/api/open/catalog?q=${encodeURIComponent('人口基础信息')}` })
    ).json() as Result;
    expect(population.items.map((i) => i.name)).not.toContain('人口基础信息');
    expect(population.items.every((i) => i.openType !== 'closed')).toBe(true);
  });

  it('lists the basis of every restricted resource publicly (Art. 27)', async () => {
    const res = (await t.app.inject({ method: 'GET', url: '/api/open/restrictions' })).json() as {
      items: { name: string; bases: { title: string }[] }[];
    };
    expect(res.items.length).toBeGreaterThan(5);
    expect(res.items.every((i) => i.bases.length > 0)).toBe(true);
    expect(res.items.map((i) => i.name)).toContain('人口基础信息');
  });
});
