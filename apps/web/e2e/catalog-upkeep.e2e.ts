/**
 * Catalog upkeep (Art. 12) end to end: the city reviewer opens 目录更新维护, sees overdue entries and
 * departments without a catalog, lengthens the re-confirmation schedule (the counts follow) and sets
 * it back, and runs the check now, which reminds the departments. A cataloguer of a department with
 * overdue entries is told in the inbox, opens the page from the reminder, confirms an overdue entry
 * as unchanged (it leaves the 需关注 list) and cannot select an entry citing a repealed legal basis:
 * that one must be revised.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, signInThroughUi, stepper } from './support/browser.ts';

let browser: Browser;
const contexts: BrowserContext[] = [];
let reviewer: Page;
let cataloguer: Page;

beforeAll(async () => {
  browser = await launch();
  for (const who of ['reviewer', 'cataloguer'] as const) {
    const { context, page } = await newPage(browser);
    page.setDefaultTimeout(15_000);
    contexts.push(context);
    if (who === 'reviewer') reviewer = page;
    else cataloguer = page;
  }
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

/** How long `expect.poll` waits for the page (its default, one second, is short for a server round trip). */
const WAIT = { timeout: 15_000 };

/** The cataloguer of each department and enterprise of the demo city (apps/server/…/demo-city.ts). */
const CATALOGUERS: Record<string, string> = {
  沈阳市公安局: 'gongan.cataloguer',
  沈阳市市场监督管理局: 'scjg.cataloguer',
  沈阳市人力资源和社会保障局: 'rs.cataloguer',
  沈阳市卫生健康委员会: 'wj.cataloguer',
  沈阳市教育局: 'jy.cataloguer',
  沈阳市交通运输局: 'jt.cataloguer',
  沈阳市生态环境局: 'sthj.cataloguer',
  沈阳市气象局: 'qx.cataloguer',
  沈阳市自然资源局: 'zrzy.cataloguer',
  沈阳市民政局: 'mz.cataloguer',
  沈阳市医疗保障局: 'yb.cataloguer',
  沈阳市住房和城乡建设局: 'zj.cataloguer',
  沈阳市商务局: 'sw.cataloguer',
  沈阳市文化旅游和广播电视局: 'wl.cataloguer',
  沈阳市统计局: 'tj.cataloguer',
  沈阳市司法局: 'sf.cataloguer',
  沈阳市发展和改革委员会: 'fg.cataloguer',
  沈阳市工业和信息化局: 'gx.cataloguer',
  沈阳市城市管理综合行政执法局: 'cg.cataloguer',
  沈阳市应急管理局: 'yj.cataloguer',
  沈阳住房公积金管理中心: 'gjj.cataloguer',
  沈阳市和平区市场监督管理局: 'heping.scjg.cataloguer',
  沈阳市和平区卫生健康局: 'heping.wj.cataloguer',
  沈阳市沈河区民政局: 'shenhe.mz.cataloguer',
  沈阳市沈河区文化旅游和广播电视局: 'shenhe.wl.cataloguer',
  沈阳市浑南区教育局: 'hunnan.jy.cataloguer',
  沈阳市浑南区市场监督管理局: 'hunnan.scjg.cataloguer',
  沈阳水务集团有限公司: 'water.cataloguer',
  沈阳燃气有限公司: 'gas.cataloguer',
};

type Counts = { published: number; current: number; due: number; overdue: number; outdated: number };

const step = stepper('upkeep');

async function stat(page: Page, key: string): Promise<number> {
  return Number(await page.getByTestId(`upkeep-stat-${key}`).getAttribute('data-value'));
}

async function counts(page: Page): Promise<Counts> {
  const [published, due, overdue, outdated] = await Promise.all(
    ['published', 'due', 'overdue', 'outdated'].map((k) => stat(page, k)),
  );
  return {
    published: published ?? 0,
    due: due ?? 0,
    overdue: overdue ?? 0,
    outdated: outdated ?? 0,
    current: (published ?? 0) - (due ?? 0) - (overdue ?? 0) - (outdated ?? 0),
  };
}

/** The input of an antd InputNumber, whichever element carries the test id. */
function numberInput(page: Page, testId: string): Locator {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

async function saveSchedule(page: Page, interval: number, notice: number): Promise<void> {
  await numberInput(page, 'upkeep-interval').fill(String(interval));
  await numberInput(page, 'upkeep-notice').fill(String(notice));
  await numberInput(page, 'upkeep-notice').press('Tab');
  await page.getByTestId('upkeep-schedule-save').click();
  await expect
    .poll(() => page.getByTestId('upkeep-schedule-text').textContent(), WAIT)
    .toBe(`复核周期 ${interval} 天，提前 ${notice} 天提醒`);
  expect(await page.getByTestId('upkeep-schedule-source').textContent()).toBe('本机构设置');
}

type UpkeepOrg = { orgName: string; overdue: number; outdated: number };

/** The row of an organisation in the table, turning its pages (ten a page) until it shows. */
async function orgRow(page: Page, name: string): Promise<Locator> {
  const row = page.locator(`[data-testid="upkeep-org-row"][data-org-name="${name}"]`);
  const pages = page.getByTestId('upkeep-orgs').locator('.ant-pagination-item');
  for (let i = 0; (await row.count()) === 0 && i < (await pages.count()); i++) {
    await pages.nth(i).click();
  }
  await row.waitFor();
  return row;
}

/** Waits until the entry table shows the answer to the current filter (no spinner). */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.ht-upkeep .ant-spin-spinning').count(), WAIT).toBe(0);
}

/** The department the cataloguer part signs in for: overdue entries, and one citing a repealed basis if any. */
let department = '';
let departmentOutdated = 0;
/** A department with an entry citing a repealed legal basis (the demo catalog has one). */
let outdatedDepartment = '';

describe('catalog upkeep: schedule, flags, reminders and re-confirmation', () => {
  it('the city reviewer sees overdue entries and departments without a catalog', async () => {
    const page = reviewer;
    await step(page, 'authority', async () => {
      await signInThroughUi(page, 'reviewer');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-catalog-upkeep').click();
      await page.waitForURL(/\/workspace\/catalog\/upkeep$/);
      await page.getByTestId('upkeep-summary').waitFor();
      expect(await page.getByTestId('catalog-upkeep-page').textContent()).toContain('目录更新维护');
      expect(await page.getByTestId('upkeep-schedule-text').textContent()).toMatch(
        /^复核周期 \d+ 天，提前 \d+ 天提醒$/,
      );
      expect(await stat(page, 'overdue')).toBeGreaterThan(0);
      expect(await stat(page, 'withoutCatalog')).toBeGreaterThan(0);
      expect(await stat(page, 'organisations')).toBeGreaterThan(20);
      expect(await page.getByTestId('upkeep-summary').textContent()).toContain('逾期未确认');

      // Only the organisations without a catalog, each tagged 未编制目录.
      await page.getByTestId('upkeep-only-no-catalog').click();
      const rows = page.getByTestId('upkeep-org-row');
      await expect.poll(() => rows.count(), WAIT).toBe(await stat(page, 'withoutCatalog'));
      for (const row of await rows.all()) {
        expect(await row.getByTestId('upkeep-no-catalog').textContent()).toBe('未编制目录');
        expect(await row.getAttribute('data-published')).toBe('0');
      }
      await page.getByTestId('upkeep-only-no-catalog').click();
      await expect.poll(() => rows.count(), WAIT).toBeGreaterThan(await stat(page, 'withoutCatalog'));

      // 需关注 lists only entries that are not current, the most urgent first.
      const entries = page.getByTestId('upkeep-entry-row');
      await expect.poll(() => entries.count(), WAIT).toBeGreaterThan(0);
      const statuses = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect(statuses.every((s) => s === 'due' || s === 'overdue' || s === 'outdated')).toBe(true);
      const overdueRow = entries.filter({ has: page.locator('[data-status="overdue"]') }).first();
      expect(await overdueRow.getByTestId('upkeep-status').textContent()).toBe('逾期未确认');
      expect(await overdueRow.getByTestId('upkeep-due').textContent()).toMatch(/已逾期 \d+ 天|今日到期/);
      await screenshot(page, 'catalog-upkeep-authority');
    });
  });

  it('picks a department with overdue entries and filters the entries by it', async () => {
    const page = reviewer;
    await step(page, 'org-filter', async () => {
      // The page's own data, read as the page reads it, to choose the department.
      const res = await page.request.get('/api/catalog/upkeep');
      expect(res.status()).toBe(200);
      const overview = (await res.json()) as { organisations: UpkeepOrg[] };
      const candidates = overview.organisations.filter((o) => o.overdue > 0 && CATALOGUERS[o.orgName]);
      expect(candidates.length).toBeGreaterThan(0);
      // Best a department with both an overdue entry and one citing a repealed basis.
      const chosen = candidates.find((o) => o.outdated > 0) ?? candidates[0];
      department = chosen?.orgName ?? '';
      departmentOutdated = chosen?.outdated ?? 0;
      outdatedDepartment =
        overview.organisations.find((o) => o.outdated > 0 && CATALOGUERS[o.orgName])?.orgName ?? '';
      expect(outdatedDepartment).not.toBe('');

      const row = await orgRow(page, department);
      expect(await row.getAttribute('data-overdue')).toBe(String(chosen?.overdue));
      await row.click();
      await expect
        .poll(() => page.getByTestId('upkeep-org-filter').textContent(), WAIT)
        .toBe(`部门：${department}`);
      await settled(page);
      const entries = page.getByTestId('upkeep-entry-row');
      await expect.poll(() => entries.count(), WAIT).toBeGreaterThan(0);
      for (const text of await entries.allTextContents()) expect(text).toContain(department);
      // Clicking it again lists every organisation again.
      await row.click();
      await page.getByTestId('upkeep-org-filter').waitFor({ state: 'detached' });
    });
  });

  it('a longer schedule changes the counts; setting it back restores them', async () => {
    const page = reviewer;
    await step(page, 'schedule', async () => {
      const before = await counts(page);
      const interval = Number(await numberInput(page, 'upkeep-interval').inputValue());
      const notice = Number(await numberInput(page, 'upkeep-notice').inputValue());
      expect(interval).toBeGreaterThanOrEqual(30);

      // A notice that is not shorter than the interval is refused in the form.
      await numberInput(page, 'upkeep-interval').fill('60');
      await numberInput(page, 'upkeep-notice').fill('60');
      await page.getByTestId('upkeep-schedule-save').click();
      await page.locator('.ant-form-item-explain-error', { hasText: '提前提醒天数须少于复核周期' }).waitFor();

      const longer = interval === 365 ? 730 : 365;
      await saveSchedule(page, longer, 30);
      await expect.poll(() => counts(page), WAIT).not.toEqual(before);
      const after = await counts(page);
      expect(after.published).toBe(before.published);
      expect(after.outdated).toBe(before.outdated);
      // Longer: no entry becomes more urgent.
      expect(after.overdue).toBeLessThanOrEqual(before.overdue);
      expect(after.current).toBeGreaterThan(before.current);
      await screenshot(page, 'catalog-upkeep-schedule-365');

      await saveSchedule(page, interval, notice);
      await expect.poll(() => counts(page), WAIT).toEqual(before);
    });
  });

  it('立即检查 runs the check and says what it found', async () => {
    const page = reviewer;
    await step(page, 'scan', async () => {
      const { due, overdue, outdated } = await counts(page);
      await page.getByTestId('upkeep-scan').click();
      const result = page.getByTestId('upkeep-scan-result');
      await result.waitFor();
      const text = (await result.textContent()) ?? '';
      const m = /已检查：即将到期 (\d+) 条，逾期 (\d+) 条，依据已废止 (\d+) 条，新发出提醒 (\d+) 条/.exec(
        text,
      );
      expect(m, text).not.toBeNull();
      // The city authority sees the whole city, which is what the check covers.
      expect(Number(m?.[1])).toBe(due);
      expect(Number(m?.[2])).toBe(overdue);
      expect(Number(m?.[3])).toBe(outdated);
      await screenshot(page, 'catalog-upkeep-scan');
    });
  });

  it('the department cataloguer is reminded, confirms an overdue entry and cannot confirm an outdated one', async () => {
    const page = cataloguer;
    await step(page, 'department', async () => {
      const username = CATALOGUERS[department];
      expect(username, department).toBeDefined();
      await signInThroughUi(page, username ?? '');
      await page.waitForURL(/\/workspace/);
      await expect.poll(() => page.getByTestId('topbar-org').textContent(), WAIT).toContain(department);
      expect(await page.getByTestId('nav-catalog-upkeep').isVisible()).toBe(true);

      // The reminder is in the inbox and leads to the page.
      const bell = page.getByTestId('inbox-bell');
      await expect.poll(() => bell.getAttribute('aria-label'), WAIT).toMatch(/[1-9]\d* 条未读/);
      await bell.click();
      const note = page.locator('[data-testid="inbox-item"][data-kind="catalog.upkeep"]').first();
      await note.waitFor();
      expect(await note.textContent()).toContain('目录更新维护：');
      expect(await note.getAttribute('data-read')).toBe('false');
      await note.click();
      await page.waitForURL(/\/workspace\/catalog\/upkeep$/);
      await page.getByTestId('upkeep-summary').waitFor();
      expect(await page.locator('.ht-upkeep').getAttribute('data-view')).toBe('department');
      // A department neither edits the schedule nor runs the check, and sees only its own entries.
      expect(await page.getByTestId('upkeep-schedule-save').count()).toBe(0);
      expect(await page.getByTestId('upkeep-scan').count()).toBe(0);
      expect(await page.getByTestId('upkeep-org-row').count()).toBe(0);

      const rows = page.getByTestId('upkeep-entry-row');
      const overdue = page.locator('[data-testid="upkeep-entry-row"][data-status="overdue"]');
      await expect.poll(() => overdue.count(), WAIT).toBeGreaterThan(0);
      const before = await rows.count();
      const confirm = page.getByTestId('upkeep-confirm');
      expect(await confirm.isDisabled()).toBe(true);

      const outdated = page.locator('[data-testid="upkeep-entry-row"][data-status="outdated"]');
      expect(await outdated.count()).toBe(departmentOutdated);
      for (const row of await outdated.all()) {
        expect(await row.locator('input[type="checkbox"]').isDisabled()).toBe(true);
      }
      await screenshot(page, 'catalog-upkeep-department');

      const target = overdue.first();
      const entryId = (await target.getAttribute('data-entry-id')) ?? '';
      const name = (await target.getByTestId('upkeep-entry-link').textContent()) ?? '';
      expect(entryId).not.toBe('');
      await target.locator('input[type="checkbox"]').check();
      await expect.poll(() => confirm.textContent(), WAIT).toContain('确认无变化（1）');
      await confirm.click();
      const dialog = page.getByTestId('upkeep-confirm-dialog');
      await dialog.waitFor();
      await page.waitForTimeout(400); // the dialog's opening animation, for the screenshot
      expect(await dialog.textContent()).toContain('仍然准确');
      expect(await dialog.textContent()).toContain(name);
      await screenshot(page, 'catalog-upkeep-confirm-dialog');
      await page.locator('.ant-modal-confirm .ant-modal-confirm-btns .ant-btn-primary').click();
      await page.locator('.ant-message').getByText('已确认 1 条目录无变化').waitFor();

      // It leaves 需关注 and is current under 全部.
      const confirmed = page.locator(`[data-testid="upkeep-entry-row"][data-entry-id="${entryId}"]`);
      await expect.poll(() => confirmed.count(), WAIT).toBe(0);
      await expect.poll(() => rows.count(), WAIT).toBe(before - 1);
      await page.getByTestId('upkeep-status-filter').getByText('全部', { exact: true }).click();
      await expect.poll(() => confirmed.getAttribute('data-status'), WAIT).toBe('current');
      expect(await confirmed.getByTestId('upkeep-status').textContent()).toBe('正常');
    });
  });

  it('an entry citing a repealed legal basis cannot be selected or confirmed: 修订 opens it', async () => {
    const { context, page } = await newPage(browser);
    contexts.push(context);
    page.setDefaultTimeout(15_000);
    await step(page, 'outdated', async () => {
      await signInThroughUi(page, CATALOGUERS[outdatedDepartment] ?? '');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-catalog-upkeep').click();
      await page.getByTestId('upkeep-summary').waitFor();
      expect(await stat(page, 'outdated')).toBeGreaterThan(0);

      const row = page.locator('[data-testid="upkeep-entry-row"][data-status="outdated"]').first();
      await row.waitFor();
      expect(await row.getByTestId('upkeep-status').textContent()).toBe('依据已废止');
      expect(await row.getByTestId('upkeep-repealed').textContent()).toMatch(/^依据已废止：《.+》/);
      const checkbox = row.locator('input[type="checkbox"]');
      expect(await checkbox.isDisabled()).toBe(true);
      await row.locator('.ant-checkbox-wrapper, .ant-checkbox').first().click({ force: true });
      expect(await checkbox.isChecked()).toBe(false);
      expect(await page.getByTestId('upkeep-confirm').isDisabled()).toBe(true);
      await screenshot(page, 'catalog-upkeep-department-outdated');

      // Nor does the server confirm it: it must be revised.
      const entryId = (await row.getAttribute('data-entry-id')) ?? '';
      const me = (await (await page.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const refused = await page.request.post('/api/catalog/upkeep/confirmations', {
        data: { entryIds: [entryId] },
        headers: { 'x-csrf-token': me.csrfToken },
      });
      expect(refused.status()).toBe(409);
      const problem = (await refused.json()) as { code: string; message: { zh: string } };
      expect(problem.code).toBe('catalog_entry_outdated');
      expect(problem.message.zh).toContain('已废止');

      await row.getByTestId('upkeep-revise').click();
      await page.waitForURL(new RegExp(`/workspace/catalog/entries/${entryId}$`));
      await page.getByTestId('entry-revise').waitFor();
      // The menu keeps 目录更新维护 highlighted on the entry opened from it.
      expect(await page.getByTestId('nav-catalog-upkeep').getAttribute('class')).toContain('selected');
    });
  });
});
