/**
 * 版本保留 end to end: the city administrator sets the city's default retention of data versions on
 * 数据版本保留; the market-regulation bureau's data provider sees it apply to 市场主体登记注册信息,
 * sets the entry's own (one value, then both), and sees it applied and kept; a retired version shows
 * 已清理 with when it was retired and offers only its report; the bureau's cataloguer (no `provide`)
 * reads the setting without changing it and has no way to the city's page; at the end the city
 * default is set back and the provider clears the entry's own values (back to the city default).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataVersion } from '@huitong/contract/provision';
import { screenshot, signInThroughUi, specBrowser, stepper } from './support/browser.ts';
import { gbkCsv } from './support/gbk.ts';
import {
  MARKET_ENTRY as ENTRY,
  MARKET_HEADER as HEADER,
  MARKET_ROWS as ROWS,
} from './support/market-register.ts';

const browser = specBrowser();
let admin: Page;
let provider: Page;

beforeAll(async () => {
  admin = await browser.open(15_000);
  provider = await browser.open(15_000);
});

const WAIT = { timeout: 15_000 };

const step = stepper('retention');

// Rows no other spec uploads as a whole, so their uploads are never "unchanged" because of these.
const FIRST = { name: '市场主体-保留-1.csv', rows: [ROWS[2]] };
const SECOND = { name: '市场主体-保留-2.csv', rows: [ROWS[1], ROWS[2]] };

const summaryOf = (page: Page) => page.getByTestId('retention-summary').textContent();
const sourceOf = (page: Page) => page.getByTestId('retention-source').textContent();

async function openEntry(page: Page, username: string): Promise<void> {
  await signInThroughUi(page, username);
  await page.getByTestId('nav-provision').click();
  await page.waitForURL('**/workspace/provision');
  const row = page.getByTestId('provision-entry-row').filter({ hasText: ENTRY });
  await row.waitFor();
  await row.getByTestId('provision-entry-link').click();
  await page.waitForURL('**/workspace/provision/entries/*');
  await expect.poll(() => page.getByTestId('provision-entry-name').textContent(), WAIT).toBe(ENTRY);
  await page.getByTestId('retention-summary').waitFor();
}

async function upload(page: Page, file: { name: string; rows: readonly string[] }): Promise<void> {
  await page.getByTestId('provision-upload-input').setInputFiles({
    name: file.name,
    mimeType: 'text/csv',
    buffer: gbkCsv([HEADER, ...file.rows]),
  });
  await page.getByTestId('provision-encoding').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'GBK' })
    .first()
    .click();
  await page.getByTestId('provision-upload-submit').click();
  await expect
    .poll(() => page.getByTestId('provision-result').getAttribute('data-state'), WAIT)
    .toBe('ready');
  await page.getByTestId('data-version-row').filter({ hasText: file.name }).first().waitFor();
}

/** Sets the two values of the open retention form (null: left empty) and saves it. */
async function saveForm(
  page: Page,
  prefix: 'retention' | 'city-retention',
  keepVersions: number | null,
  keepDays: number | null,
): Promise<void> {
  await page.getByTestId(`${prefix}-keep-versions`).fill(keepVersions === null ? '' : String(keepVersions));
  await page.getByTestId(`${prefix}-keep-days`).fill(keepDays === null ? '' : String(keepDays));
  await page.getByTestId(`${prefix}-save`).click();
  await page.locator('.ant-modal').waitFor({ state: 'hidden' });
}

describe('retention of data versions: the city default, an entry’s own, retired versions', () => {
  it('the city administrator sets the city default on 数据版本保留', async () => {
    const page = admin;
    await step(page, 'city', async () => {
      await signInThroughUi(page, 'admin');
      await page.getByTestId('nav-retention').click();
      await page.waitForURL('**/workspace/admin/retention');
      await page.getByTestId('city-retention-page').waitFor();
      await expect
        .poll(() => page.getByTestId('city-retention-summary').textContent(), WAIT)
        .toBe('保留当前版本、最近 10 个版本和 30 天内的版本');
      expect(await page.getByTestId('city-retention-versions').textContent()).toBe('10 个');
      expect(await page.getByTestId('city-retention-days').textContent()).toBe('30 天');

      await page.getByTestId('city-retention-edit').click();
      await page.getByTestId('city-retention-form').waitFor();
      expect(await page.getByTestId('city-retention-keep-versions').inputValue()).toBe('10');
      await saveForm(page, 'city-retention', 12, 45);
      await expect
        .poll(() => page.getByTestId('city-retention-summary').textContent(), WAIT)
        .toBe('保留当前版本、最近 12 个版本和 45 天内的版本');
      expect(await page.getByTestId('city-retention-versions').textContent()).toBe('12 个');
      expect(await page.getByTestId('city-retention-days').textContent()).toBe('45 天');
      // kept by the server
      await page.reload();
      await expect
        .poll(() => page.getByTestId('city-retention-summary').textContent(), WAIT)
        .toBe('保留当前版本、最近 12 个版本和 45 天内的版本');
      await screenshot(page, 'retention-city-default');
    });
  });

  it('the provider sees the city default apply to the entry, then sets the entry’s own', async () => {
    const page = provider;
    await step(page, 'entry', async () => {
      await openEntry(page, 'scjg.provider');
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 12 个版本和 45 天内的版本');
      expect(await sourceOf(page)).toBe('全市默认');
      await upload(page, FIRST);
      await upload(page, SECOND);

      // One value of its own: the other still comes from the city.
      await page.getByTestId('retention-edit').click();
      await page.getByTestId('retention-form').waitFor();
      expect(await page.getByTestId('retention-keep-versions').inputValue()).toBe('');
      expect(await page.getByTestId('retention-keep-versions').getAttribute('placeholder')).toBe(
        '留空则沿用全市默认（12）',
      );
      await page.getByTestId('retention-keep-versions').fill('5');
      // The whole page in the viewport, so the picture shows the modal's mask and the header once.
      await page.setViewportSize({ width: 1400, height: 1600 });
      await screenshot(page, 'retention-entry-form');
      await page.setViewportSize({ width: 1400, height: 900 });
      await saveForm(page, 'retention', 5, null);
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 5 个版本和 45 天内的版本');
      expect(await sourceOf(page)).toBe('版本数为本目录设置，天数沿用全市默认');

      // Both of its own.
      await page.getByTestId('retention-edit').click();
      await page.getByTestId('retention-form').waitFor();
      expect(await page.getByTestId('retention-keep-versions').inputValue()).toBe('5');
      await saveForm(page, 'retention', 5, 7);
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 5 个版本和 7 天内的版本');
      expect(await sourceOf(page)).toBe('本目录设置');

      // kept by the server
      await page.reload();
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 5 个版本和 7 天内的版本');
      expect(await sourceOf(page)).toBe('本目录设置');
      await page.locator('[data-testid="data-versions"] .ant-spin-spinning').waitFor({ state: 'detached' });
      await screenshot(page, 'retention-entry');
    });
  });

  it('a retired version shows 已清理 with when, and only its report', async () => {
    const page = provider;
    await step(page, 'retired', async () => {
      // The daily job cannot be started from here (no test hook): the version list the page reads is
      // answered with the first upload of this spec marked as the job marks it.
      const retiredAt = new Date().toISOString();
      await page.route('**/api/provision/entries/*/versions', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { items: DataVersion[] };
        const items = body.items.map((v) =>
          v.fileName === FIRST.name && v.state === 'ready' && !v.current
            ? { ...v, state: 'retired' as const, retiredAt }
            : v,
        );
        await route.fulfill({ response, json: { items } });
      });
      // Tall enough for the whole page: hovering then scrolls nothing (the header stays on top).
      await page.setViewportSize({ width: 1400, height: 1400 });
      try {
        await page.reload();
        const row = page.getByTestId('data-version-row').filter({ hasText: FIRST.name }).first();
        const state = row.getByTestId('data-version-state');
        await expect.poll(() => state.getAttribute('data-state'), WAIT).toBe('retired');
        expect(await state.textContent()).toBe('已清理');
        // its record stays: rows and report, but nothing that reads its data
        expect(await row.getByTestId('data-version-report').count()).toBe(1);
        expect(await row.getByTestId('data-version-restore').count()).toBe(0);
        expect(await row.getByTestId('data-version-download').count()).toBe(0);
        expect(await row.getByTestId('data-version-compare').count()).toBe(0);
        await state.hover();
        const tooltip = page.locator('.ant-tooltip:visible');
        await expect.poll(() => tooltip.textContent(), WAIT).toContain('按保留规则清理');
        expect(await tooltip.textContent()).toMatch(/^已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
        await screenshot(page, 'retention-retired-version');
      } finally {
        await page.unroute('**/api/provision/entries/*/versions');
        await page.setViewportSize({ width: 1400, height: 900 });
      }
    });
  });

  it('the cataloguer reads the entry’s retention without changing it, and has no city page', async () => {
    const page = await browser.open(15_000);
    await step(page, 'read-only', async () => {
      await openEntry(page, 'scjg.cataloguer');
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 5 个版本和 7 天内的版本');
      expect(await sourceOf(page)).toBe('本目录设置');
      expect(await page.getByTestId('retention-edit').count()).toBe(0);
      expect(await page.getByTestId('provision-upload-card').count()).toBe(0);
      await page.getByTestId('data-version-row').filter({ hasText: SECOND.name }).first().waitFor();
      await page.locator('[data-testid="data-versions"] .ant-spin-spinning').waitFor({ state: 'detached' });
      await screenshot(page, 'retention-read-only');
      // in English
      await page.getByTestId('language-switch').click();
      await expect
        .poll(() => summaryOf(page), WAIT)
        .toBe('Keeps the current version, the last 5 versions and every version from the last 7 days');
      expect(await sourceOf(page)).toBe('Set for this entry');
      await screenshot(page, 'retention-read-only-en');
      await page.getByTestId('language-switch').click();
      await expect.poll(() => sourceOf(page), WAIT).toBe('本目录设置');
      expect(await page.getByTestId('nav-retention').count()).toBe(0);
      await page.goto('/workspace/admin/retention');
      await page.getByTestId('forbidden').waitFor();
    });
  });

  it('the city default is set back, and the entry’s own values cleared use it again', async () => {
    await step(admin, 'city back', async () => {
      await admin.getByTestId('city-retention-edit').click();
      await admin.getByTestId('city-retention-form').waitFor();
      await saveForm(admin, 'city-retention', 10, 30);
      await expect
        .poll(() => admin.getByTestId('city-retention-summary').textContent(), WAIT)
        .toBe('保留当前版本、最近 10 个版本和 30 天内的版本');
    });
    const page = provider;
    await step(page, 'cleared', async () => {
      await page.reload();
      await page.getByTestId('retention-edit').click();
      await page.getByTestId('retention-form').waitFor();
      await saveForm(page, 'retention', null, null);
      await expect.poll(() => summaryOf(page), WAIT).toBe('保留当前版本、最近 10 个版本和 30 天内的版本');
      expect(await sourceOf(page)).toBe('全市默认');
    });
  });
});
