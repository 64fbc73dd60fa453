/**
 * Data quality (Art. 16, 34) end to end, on the demo city without its datasets: the city reviewer
 * opens 数据质量 from the menu and sees every department's published entries without data, with
 * their age and who must act; choosing a department narrows the list to it, and an entry's trend
 * opens at the side. A district authority sees only its district. A department's data provider sees
 * only its own entries and states the row count it holds.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, signInThroughUi, specBrowser } from './support/browser.ts';

const browser = specBrowser();

const WAIT = { timeout: 15_000 };

async function signedIn(username: string): Promise<Page> {
  const page = await browser.open(15_000);
  await signInThroughUi(page, username);
  await page.waitForURL(/\/workspace/);
  return page;
}

async function openDashboard(page: Page) {
  await page.getByTestId('nav-provision-quality').click();
  await page.waitForURL(/\/workspace\/provision\/quality$/);
  await page.getByTestId('quality-summary').waitFor();
}

const attrs = (page: Page, testId: string, attr: string) =>
  page.getByTestId(testId).evaluateAll((els, a) => els.map((e) => e.getAttribute(a) ?? ''), attr);

describe('数据质量 dashboard', () => {
  it("the city authority sees departments' entries without data, narrows to one department and opens a trend", async () => {
    const page = await signedIn('reviewer');
    await openDashboard(page);
    expect(await page.getByTestId('quality-view').getAttribute('data-view')).toBe('authority');
    const noData = Number(await page.getByTestId('quality-kind-filter-no_data').getAttribute('data-count'));
    expect(noData).toBeGreaterThan(20);

    // Several departments have problems, listed with their counts, most problems first.
    await expect
      .poll(async () => (await attrs(page, 'quality-org-row', 'data-org-name')).length, WAIT)
      .toBeGreaterThan(3);
    const problems = (await attrs(page, 'quality-org-row', 'data-problems')).map(Number);
    expect(problems).toEqual([...problems].sort((a, b) => b - a));
    const orgsWithProblems = (await attrs(page, 'quality-problem-row', 'data-org-name')).filter(Boolean);
    expect(new Set(orgsWithProblems).size).toBeGreaterThan(1);
    expect(await attrs(page, 'quality-problem-row', 'data-kind')).toContain('no_data');
    await expect.poll(() => page.getByTestId('quality-age').first().textContent(), WAIT).toMatch(/\d+ 天/);
    await expect
      .poll(() => page.getByTestId('quality-must-act').first().textContent(), WAIT)
      .toMatch(/数据员/);
    await screenshot(page, 'provision-quality-authority');

    // Choosing a department narrows the problems to it.
    const chosen = (await attrs(page, 'quality-org-row', 'data-org-name'))[1] ?? '';
    await page.getByTestId('quality-org-row').nth(1).getByTestId('quality-org-name').click();
    await page.getByTestId('quality-org-filter').waitFor();
    await expect
      .poll(async () => [...new Set(await attrs(page, 'quality-problem-row', 'data-org-name'))], WAIT)
      .toEqual([chosen]);

    await page.getByTestId('quality-open-entry').first().click();
    const drawer = page.getByTestId('quality-entry-drawer');
    await drawer.getByTestId('quality-trend').waitFor();
    await expect
      .poll(() => drawer.getByTestId('quality-entry-problems').textContent(), WAIT)
      .toMatch(/未提供数据/);
    await screenshot(page, 'provision-quality-entry');
  });

  it('a district authority sees only the departments of its district', async () => {
    const page = await signedIn('heping.admin');
    await openDashboard(page);
    await expect
      .poll(async () => (await attrs(page, 'quality-org-row', 'data-org-name')).length, WAIT)
      .toBeGreaterThan(0);
    const orgs = await attrs(page, 'quality-org-row', 'data-org-name');
    expect(orgs.every((o) => o.includes('和平区'))).toBe(true);
    const problemOrgs = await attrs(page, 'quality-problem-row', 'data-org-name');
    expect(problemOrgs.length).toBeGreaterThan(0);
    expect(problemOrgs.every((o) => o.includes('和平区'))).toBe(true);
  });

  it('a department sees only its own entries and states the rows it holds', async () => {
    const page = await signedIn('scjg.provider');
    await openDashboard(page);
    expect(await page.getByTestId('quality-view').getAttribute('data-view')).toBe('department');
    expect(await page.getByTestId('quality-orgs').count()).toBe(0);
    await expect
      .poll(async () => (await attrs(page, 'quality-problem-row', 'data-org-name')).length, WAIT)
      .toBeGreaterThan(0);
    expect([...new Set(await attrs(page, 'quality-problem-row', 'data-org-name'))]).toEqual([
      '沈阳市市场监督管理局',
    ]);
    await screenshot(page, 'provision-quality-department');

    await page.getByTestId('quality-open-entry').first().click();
    const drawer = page.getByTestId('quality-entry-drawer');
    await drawer.getByTestId('quality-declaration-form').waitFor();
    await drawer.getByTestId('quality-declared-checksum').fill('not a digest');
    await drawer.getByTestId('quality-declare').click();
    await expect.poll(() => drawer.textContent(), WAIT).toMatch(/须为 64 位十六进制字符/);
    await drawer.getByTestId('quality-declared-checksum').fill('');
    await drawer.getByTestId('quality-declared-rows').fill('1234');
    await drawer.getByTestId('quality-declare').click();
    await expect
      .poll(() => drawer.getByTestId('quality-declaration').textContent(), WAIT)
      .toMatch(/1234.*声明时间/s);
  });
});
