/**
 * 资源数据 end to end: the market-regulation bureau's data provider opens 资源数据, uploads a GBK CSV
 * of 市场主体登记注册信息 (a real progress bar of the bytes sent, then the new current version), a
 * file with invalid rows (refused whole, with the validation report naming row, column, value and
 * rule), switches the error policy to 剔除无效行 (the same file is published without those rows),
 * opens a version's report and restores an earlier version. A cataloguer does not see the page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInThroughUi, specBrowser, stepper } from './support/browser.ts';
import { gbkCsv } from './support/gbk.ts';
import {
  BAD_CODE,
  BAD_ROW,
  MARKET_ENTRY as ENTRY,
  MARKET_HEADER as HEADER,
  MARKET_ROWS as ROWS,
} from './support/market-register.ts';

const browser = specBrowser();
let provider: Page;

beforeAll(async () => {
  provider = await browser.open(15_000);
});

const WAIT = { timeout: 15_000 };

const step = stepper('provision');

const csv = (rows: readonly string[]) => gbkCsv([HEADER, ...rows]);

async function chooseFile(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('provision-upload-input').setInputFiles({ name, mimeType: 'text/csv', buffer });
}

async function chooseGbk(page: Page): Promise<void> {
  await page.getByTestId('provision-encoding').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'GBK' })
    .first()
    .click();
  await expect.poll(() => page.getByTestId('provision-encoding').textContent(), WAIT).toContain('GBK');
}

/** The version number of the current data version, or 0 when there is none. */
async function currentVersion(page: Page): Promise<number> {
  const row = page.getByTestId('data-version-row').filter({ has: page.getByTestId('data-version-current') });
  if ((await row.count()) === 0) return 0;
  return Number(/v(\d+)/.exec((await row.first().textContent()) ?? '')?.[1] ?? 0);
}

let before = 0;

describe('resource data: upload, validation report, versions', () => {
  it('the provider opens 资源数据 and the entry from the list of published entries', async () => {
    const page = provider;
    await step(page, 'open', async () => {
      await signInThroughUi(page, 'scjg.provider');
      await page.getByTestId('nav-provision').click();
      await page.waitForURL('**/workspace/provision');
      const row = page.getByTestId('provision-entry-row').filter({ hasText: ENTRY });
      await row.waitFor();
      expect(await page.getByTestId('provision-entry-row').count()).toBeGreaterThan(1);
      await row.getByTestId('provision-entry-link').click();
      await page.waitForURL('**/workspace/provision/entries/*');
      await expect.poll(() => page.getByTestId('provision-entry-name').textContent(), WAIT).toBe(ENTRY);
      await page.getByTestId('provision-upload-card').waitFor();
      await expect.poll(() => page.getByTestId('provision-policy').textContent(), WAIT).toBe('整体拒绝');
      await page.locator('[data-testid="data-versions"] .ant-spin-spinning').waitFor({ state: 'detached' });
      before = await currentVersion(page);
    });
  });

  it('uploads a GBK CSV: the bytes sent, then the new current version with its rows', async () => {
    const page = provider;
    await step(page, 'valid', async () => {
      await chooseFile(page, '市场主体.csv', csv(ROWS));
      await chooseGbk(page);
      await page.getByTestId('provision-upload-submit').click();
      const result = page.getByTestId('provision-result');
      await result.waitFor();
      expect(await result.getAttribute('data-state')).toBe('ready');
      expect(await result.textContent()).toContain('共 3 行');
      const progress = page.getByTestId('provision-progress');
      expect(await progress.getAttribute('data-percent')).toBe('100');
      expect(await page.getByTestId('provision-progress-bytes').textContent()).toMatch(
        /^已上传 [\d.]+ KB \/ [\d.]+ KB$/,
      );
      await expect.poll(() => currentVersion(page), WAIT).toBeGreaterThan(before);
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      const text = (await current.textContent()) ?? '';
      expect(text).toContain('市场主体.csv');
      expect(text).toContain('GBK');
      expect(text).toContain('上传');
      expect(text).toContain('scjg.provider');
      await screenshot(page, 'provision-uploaded');
    });
  });

  it('uploads the same data again: no new version, the current one counts as confirmed', async () => {
    const page = provider;
    await step(page, 'unchanged', async () => {
      const current = await currentVersion(page);
      // The same rows in another order are the same data.
      await chooseFile(page, '市场主体.csv', csv([...ROWS].reverse()));
      await chooseGbk(page);
      await page.getByTestId('provision-upload-submit').click();
      await expect
        .poll(() => page.getByTestId('provision-result').getAttribute('data-state'), WAIT)
        .toBe('unchanged');
      expect(await page.getByTestId('provision-result').textContent()).toContain(
        `与当前版本 v${current} 完全相同：未生成新版本`,
      );
      expect(await currentVersion(page)).toBe(current);
      const run = page.getByTestId('data-version-row').filter({ hasText: '数据未变化' }).first();
      await run.waitFor();
      expect(await run.getByTestId('data-version-same-as').textContent()).toBe(`= v${current}`);
      await screenshot(page, 'provision-unchanged');
    });
  });

  it('refuses a file with an invalid row whole and reports row, column, value and rule', async () => {
    const page = provider;
    await step(page, 'invalid', async () => {
      const current = await currentVersion(page);
      // Row 3 of the file (the header is row 1) has a wrong check character.
      await chooseFile(page, '市场主体-有误.csv', csv([ROWS[0], BAD_ROW, ROWS[1]]));
      await chooseGbk(page);
      await page.getByTestId('provision-upload-submit').click();
      const report = page.getByTestId('provision-report');
      await report.waitFor();
      expect(await page.getByTestId('provision-result').getAttribute('data-state')).toBe('failed');
      const problems = page.getByTestId('provision-problem-row');
      expect(await problems.count()).toBe(1);
      const cells = await problems.first().locator('td').allTextContents();
      expect(cells.slice(0, 4)).toEqual(['3', '统一社会信用代码', BAD_CODE, '统一社会信用代码']);
      expect(cells[4]).toContain('校验码');
      // the current version stays
      await expect
        .poll(() => page.getByTestId('data-version-row').first().textContent(), WAIT)
        .toContain('未通过');
      expect(await currentVersion(page)).toBe(current);
      await screenshot(page, 'provision-refused');
    });
  });

  it('under 剔除无效行 the same file is published without the invalid row', async () => {
    const page = provider;
    await step(page, 'exclude', async () => {
      await page.getByTestId('provision-policy-switch').click();
      await expect.poll(() => page.getByTestId('provision-policy').textContent(), WAIT).toBe('剔除无效行');
      const current = await currentVersion(page);
      await page.getByTestId('provision-upload-submit').click();
      await expect
        .poll(() => page.getByTestId('provision-result').getAttribute('data-state'), WAIT)
        .toBe('ready');
      expect(await page.getByTestId('provision-result').textContent()).toContain('剔除无效行 1 行');
      expect(await page.getByTestId('provision-problem-row').count()).toBe(1);
      await expect.poll(() => currentVersion(page), WAIT).toBeGreaterThan(current);
      // back to the default policy
      await page.getByTestId('provision-policy-switch').click();
      await expect.poll(() => page.getByTestId('provision-policy').textContent(), WAIT).toBe('整体拒绝');
    });
  });

  it('opens the report of the refused version and restores the first upload', async () => {
    const page = provider;
    await step(page, 'restore', async () => {
      const failed = page.getByTestId('data-version-row').filter({ hasText: '未通过' }).first();
      await failed.getByTestId('data-version-report').click();
      const modal = page.locator('.ant-modal');
      await modal.getByTestId('provision-report').waitFor();
      expect(await modal.getByTestId('provision-problem-row').count()).toBe(1);
      await page.getByTestId('provision-report-close').click();
      await modal.getByTestId('provision-report').waitFor({ state: 'detached' });

      const current = await currentVersion(page);
      const first = page
        .getByTestId('data-version-row')
        .filter({ hasText: '市场主体.csv' })
        .filter({ has: page.getByTestId('data-version-restore') })
        .first();
      await first.getByTestId('data-version-restore').click();
      await page.locator('.ant-modal-confirm .ant-btn-primary').click();
      await expect.poll(() => currentVersion(page), WAIT).toBe(current + 1);
      const restored = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      expect(await restored.textContent()).toContain('恢复');
      await screenshot(page, 'provision-restored');

      await page.getByTestId('nav-provision').click();
      const row = page.getByTestId('provision-entry-row').filter({ hasText: ENTRY });
      await expect.poll(() => row.textContent(), WAIT).toContain(`v${current + 1}`);
    });
  });

  it('a data user has no 资源数据 and is not allowed in; a cataloguer sees it without uploading', async () => {
    const page = await browser.open();
    await step(page, 'data user', async () => {
      await signInThroughUi(page, 'scjg.user');
      await page.getByTestId('nav-catalog-entries').waitFor();
      expect(await page.getByTestId('nav-provision').count()).toBe(0);
      await page.goto('/workspace/provision');
      await page.getByTestId('forbidden').waitFor();
    });
    const cataloguer = await browser.open();
    await step(cataloguer, 'cataloguer', async () => {
      await signInThroughUi(cataloguer, 'scjg.cataloguer');
      await cataloguer.getByTestId('nav-provision').click();
      await cataloguer.getByTestId('provision-entry-link').first().click();
      await cataloguer.getByTestId('data-versions').waitFor();
      expect(await cataloguer.getByTestId('provision-upload-card').count()).toBe(0);
    });
  });
});
