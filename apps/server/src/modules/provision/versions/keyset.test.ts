/**
 * Deep pages (issue 12): `nextPageToken` / `after` pages a version's rows by key — in row order, or
 * by a sorted item with ties and empty values, with filters — and every walk gives exactly the rows
 * that page numbers (offsets) give. A token keeps to its version once another becomes current, and
 * a token that was not made for the query is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import { uploadAs } from '../../../../test/provision.ts';
import { SHENYANG_DISTRICTS } from '../../../../test/provision.ts';

let t: TestApp;
let provider: Session;
let entryId = '';
const ROWS = 537;

interface Page {
  version: { versionNo: number };
  rows: { row: number; values: Record<string, string | null> }[];
  total: number;
  nextPageToken: string | null;
}

const district = (i: number) => SHENYANG_DISTRICTS[(i * 7) % SHENYANG_DISTRICTS.length] ?? '';
// Many ties, some empty amounts, decimals that sort differently as text (9.5 < 10.25).
const amount = (i: number) => (i % 11 === 0 ? '' : String(((i * 37) % 50) + (i % 3 === 0 ? 0.25 : 0.5)));

function csv(rows: number, shift = 0): string {
  const lines = ['code,amount,district'];
  for (let i = 1; i <= rows; i++)
    lines.push(`R${String(i + shift).padStart(5, '0')},${amount(i)},${district(i)}`);
  return `${lines.join('\n')}\n`;
}

async function get(query: string, status = 200): Promise<Page> {
  const res = await provider.request('GET', `/api/provision/entries/${entryId}/rows?${query}`);
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as Page;
}

/** Every row of the query, page by page with tokens; and the same by page numbers. */
async function walk(query: string, pageSize: number) {
  const byToken: string[] = [];
  let pages = 0;
  let page = await get(`${query}&pageSize=${pageSize}`);
  const total = page.total;
  for (;;) {
    pages++;
    byToken.push(...page.rows.map((r) => `${r.row}:${r.values.amount ?? '∅'}`));
    expect(page.total).toBe(total);
    if (!page.nextPageToken) break;
    page = await get(`${query}&pageSize=${pageSize}&after=${encodeURIComponent(page.nextPageToken)}`);
  }
  const byNumber: string[] = [];
  for (let n = 1; n <= Math.ceil(total / pageSize); n++) {
    const p = await get(`${query}&pageSize=${pageSize}&page=${n}`);
    byNumber.push(...p.rows.map((r) => `${r.row}:${r.values.amount ?? '∅'}`));
  }
  return { byToken, byNumber, total, pages };
}

beforeAll(async () => {
  t = await buildTestApp();
  const cataloguer = await signIn(t.app, 'scjg.cataloguer');
  const reviewer = await signIn(t.app, 'reviewer');
  provider = await signIn(t.app, 'scjg.provider');
  entryId = (
    await publishEntry(
      cataloguer,
      reviewer,
      metadata({
        name: '分页测试数据',
        dataItems: [
          item('code', '编号'),
          item('amount', '金额', { dataType: 'decimal', length: null, required: false }),
          item('district', '所在区'),
        ],
      }),
    )
  ).id;
  const res = await uploadAs(t.app, provider, entryId, csv(ROWS), 'format=csv');
  expect(res.statusCode, res.body).toBe(201);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('keyset paging of a version’s rows', () => {
  it('walks the rows in file order exactly as page numbers do, ending with no token', async () => {
    const w = await walk('', 50);
    expect(w.total).toBe(ROWS);
    expect(w.pages).toBe(Math.ceil(ROWS / 50));
    expect(w.byToken).toHaveLength(ROWS);
    expect(w.byToken).toEqual(w.byNumber);
    // The first data row is the file's line 2 (after the header).
    expect(w.byToken[0]).toMatch(/^2:/);
  });

  it('walks by a sorted item with ties and empty values, ascending and descending', async () => {
    for (const sort of ['amount', '-amount', 'district', '-code']) {
      const w = await walk(`sort=${sort}`, 40);
      expect(w.byToken, sort).toHaveLength(ROWS);
      expect(w.byToken, sort).toEqual(w.byNumber);
    }
    const asc = (await walk('sort=amount', 40)).byToken.map((r) => r.split(':')[1] ?? '');
    const numbers = asc.filter((v) => v !== '∅').map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    // Empty values come last.
    expect(asc.slice(-Math.floor(ROWS / 11))).toEqual(Array(Math.floor(ROWS / 11)).fill('∅'));
  });

  it('walks a filtered query, counting its total once', async () => {
    const query = `filter=${encodeURIComponent('district=和平区')}&sort=amount`;
    const w = await walk(query, 7);
    expect(w.total).toBe(
      Array.from({ length: ROWS }, (_, i) => district(i + 1)).filter((d) => d === '和平区').length,
    );
    expect(w.byToken).toEqual(w.byNumber);
  });

  it('keeps reading the version it started on after another becomes current', async () => {
    const first = await get('pageSize=100');
    expect(first.version.versionNo).toBe(1);
    const res = await uploadAs(t.app, provider, entryId, csv(ROWS, 1000), 'format=csv');
    expect(res.statusCode, res.body).toBe(201);
    const next = await get(`pageSize=100&after=${encodeURIComponent(first.nextPageToken ?? '')}`);
    expect(next.version.versionNo).toBe(1);
    expect(next.rows[0]?.values.code).toBe('R00101');
    // Without a token, the new version.
    expect((await get('pageSize=1')).rows[0]?.values.code).toBe('R01001');
  });

  it('refuses a token of another query, of another version number, or made up — with 400, changing nothing', async () => {
    const first = await get('pageSize=10&sort=amount');
    const token = encodeURIComponent(first.nextPageToken ?? '');
    const problems = [
      await get(`pageSize=10&sort=-amount&after=${token}`, 400),
      await get(`pageSize=10&sort=amount&version=1&after=${token}`, 400),
      await get('pageSize=10&after=not-a-token', 400),
      await get(
        `pageSize=10&sort=amount&after=${Buffer.from(
          JSON.stringify({
            ...JSON.parse(Buffer.from(first.nextPageToken ?? '', 'base64url').toString()),
            k: 'abc',
          }),
        ).toString('base64url')}`,
        400,
      ),
    ] as unknown as { code: string; fields: { field: string }[] }[];
    for (const p of problems) expect(p).toMatchObject({ code: 'validation', fields: [{ field: 'after' }] });
  });
});
