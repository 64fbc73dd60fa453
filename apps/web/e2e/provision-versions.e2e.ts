/**
 * 数据版本 end to end: the market-regulation bureau's data provider uploads a GBK CSV of 药品零售企业信息,
 * then a second GBK CSV with one row changed, one added and one removed; sees the second version
 * current; opens its comparison with the version before (rows added, removed, changed and kept by
 * the key data item, the changed key named); and downloads the current version as CSV (UTF-8),
 * which is read back with its Chinese values.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInThroughUi, specBrowser, stepper } from './support/browser.ts';
import { gbkCsv } from './support/gbk.ts';

const browser = specBrowser();
let provider: Page;

beforeAll(async () => {
  provider = await browser.open(15_000);
});

const WAIT = { timeout: 15_000 };
const ENTRY = '药品零售企业信息';

const step = stepper('provision-versions');

const HEADER = [
  '药品经营许可证编号',
  '统一社会信用代码',
  '企业名称',
  '经营地址',
  '经营范围',
  '经度',
  '纬度',
  '有效期至',
];
const R1 = [
  '辽CA0240001',
  '9121010461803398XX',
  '沈阳福翼大药房有限公司',
  '辽宁省沈阳市大东区善邻路72号',
  '处方药、非处方药',
  '123.482311',
  '41.801122',
  '2028-06-30',
];
const R2 = [
  '辽CA0240002',
  '92210106MA5C6NL06G',
  '沈阳市铁西区祥邦药店',
  '辽宁省沈阳市铁西区云峰北街190号',
  '非处方药',
  '123.351234',
  '41.795512',
  '2027-12-31',
];
const R3 = [
  '辽CA0240003',
  '92210112MA6EPB8X8M',
  '沈阳市浑南区东翔药店',
  '辽宁省沈阳市浑南区沈中大街834号',
  '中药饮片',
  '123.465101',
  '41.722001',
  '2029-03-01',
];
/** Version 2: R2 moved (changed), R3 gone (removed), R4 new (added), R1 kept. */
const R2B = [...R2.slice(0, 3), '辽宁省沈阳市铁西区兴华北街8号', ...R2.slice(4)];
const R4 = [
  '辽CA0240004',
  '91210181MAE5BM0B79',
  '新民市福航大药房',
  '辽宁省沈阳市新民市和平街621号',
  '处方药',
  '122.828812',
  '41.998523',
  '2030-01-01',
];

const csv = (rows: string[][]) => gbkCsv([HEADER, ...rows].map((r) => r.join(',')));

/** The version number of the current data version, or 0 when there is none. */
async function currentVersion(page: Page): Promise<number> {
  const row = page.getByTestId('data-version-row').filter({ has: page.getByTestId('data-version-current') });
  if ((await row.count()) === 0) return 0;
  return Number(/v(\d+)/.exec((await row.first().textContent()) ?? '')?.[1] ?? 0);
}

async function uploadGbk(page: Page, name: string, buffer: Buffer): Promise<void> {
  const before = await currentVersion(page);
  await page.getByTestId('provision-upload-input').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await page.getByTestId('provision-encoding').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'GBK' })
    .first()
    .click();
  await expect.poll(() => page.getByTestId('provision-encoding').textContent(), WAIT).toContain('GBK');
  await page.getByTestId('provision-upload-submit').click();
  await expect
    .poll(() => page.getByTestId('provision-result').getAttribute('data-state'), WAIT)
    .toBe('ready');
  await expect.poll(() => currentVersion(page), WAIT).toBeGreaterThan(before);
}

let first = 0;

describe('data versions: the new version, its diff and its download', () => {
  it('the provider opens the entry and makes the licence number its key', async () => {
    const page = provider;
    await step(page, 'open', async () => {
      await signInThroughUi(page, 'scjg.provider');
      await page.getByTestId('nav-provision').click();
      await page.waitForURL('**/workspace/provision');
      const row = page.getByTestId('provision-entry-row').filter({ hasText: ENTRY });
      await row.getByTestId('provision-entry-link').click();
      await page.waitForURL('**/workspace/provision/entries/*');
      await expect.poll(() => page.getByTestId('provision-entry-name').textContent(), WAIT).toBe(ENTRY);
      // Rows are matched between versions on the key data items (provision settings, set over the API).
      const id = /entries\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
      const me = (await (await page.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const put = await page.request.put(`/api/provision/entries/${id}/settings`, {
        data: { keyFields: ['licence_number'] },
        headers: { 'x-csrf-token': me.csrfToken },
      });
      expect(put.status()).toBe(200);
      await page.getByTestId('provision-upload-card').waitFor();
    });
  });

  it('uploads two GBK CSVs; the second is the current version', async () => {
    const page = provider;
    await step(page, 'upload', async () => {
      await uploadGbk(page, '药店-一月.csv', csv([R1, R2, R3]));
      first = await currentVersion(page);
      await uploadGbk(page, '药店-二月.csv', csv([R1, R2B, R4]));
      expect(await currentVersion(page)).toBe(first + 1);
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      expect(await current.textContent()).toContain('药店-二月.csv');
    });
  });

  it('opens the diff of the new version: one row added, one removed, one changed, one kept', async () => {
    const page = provider;
    await step(page, 'diff', async () => {
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      await current.getByTestId('data-version-compare').click();
      const diff = page.getByTestId('version-diff');
      await diff.waitFor();
      expect(await page.locator('.ant-modal-title').textContent()).toBe(
        `版本比较：v${first} → v${first + 1}`,
      );
      const count = (kind: string) => page.getByTestId(`version-diff-${kind}`).getAttribute('data-value');
      expect(await count('added')).toBe('1');
      expect(await count('removed')).toBe('1');
      expect(await count('changed')).toBe('1');
      expect(await count('unchanged')).toBe('1');
      expect(await page.getByTestId('version-diff-examples-changed').textContent()).toBe(
        'licence_number=辽CA0240002',
      );
      expect(await page.getByTestId('version-diff-examples-added').textContent()).toBe(
        'licence_number=辽CA0240004',
      );
      expect(await page.getByTestId('version-diff-examples-removed').textContent()).toBe(
        'licence_number=辽CA0240003',
      );
      expect(await page.getByTestId('version-diff-key-fields').textContent()).toBe('licence_number');
      expect(await page.getByTestId('version-diff-from-rows').textContent()).toBe('3');
      expect(await page.getByTestId('version-diff-to-rows').textContent()).toBe('3');
      expect(await diff.textContent()).toContain('修改行');
      await screenshot(page, 'provision-version-diff');
      await page.getByTestId('version-diff-close').click();
      await diff.waitFor({ state: 'detached' });
    });
  });

  it('downloads the current version as CSV (UTF-8) with its Chinese values', async () => {
    const page = provider;
    await step(page, 'download', async () => {
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      await current.getByTestId('data-version-download').click();
      // GeoJSON is not offered: the entry has longitude and latitude, not a geometry item.
      await page.getByTestId('data-version-download-csv-gbk').waitFor();
      // The CSV for programs (the data as stored) is offered beside the two for spreadsheets.
      expect(await page.getByTestId('data-version-download-csv-machine').count()).toBe(1);
      expect(await page.getByTestId('data-version-download-geojson').count()).toBe(0);
      await screenshot(page, 'provision-version-download-menu');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('data-version-download-csv-utf8').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${ENTRY}-v${first + 1}.csv`);
      const file = await download.path();
      const bytes = fs.readFileSync(file);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\n');
      expect(lines.map((l) => l.split(','))).toEqual([HEADER, R1, R2B, R4]);
    });
  });
});
