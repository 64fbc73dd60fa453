/**
 * The catalog workflow end to end: a department cataloguer drafts an entry whose data items include
 * one another department already publishes (the live duplicate warning of Art. 14 names it), must
 * justify the duplicate to submit, the city reviewer returns it with a general and a field comment,
 * the cataloguer is told in the inbox, fixes the field and resubmits, the reviewer approves, and the
 * published entry is found by a Chinese word in the workspace catalog and, being 无条件开放, on the
 * public portal without signing in.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, launch, newPage, screenshot, signInThroughUi, stepper } from './support/browser.ts';

let browser: Browser;
const contexts: BrowserContext[] = [];
let cataloguer: Page;
let reviewer: Page;

beforeAll(async () => {
  browser = await launch();
  for (const who of ['cataloguer', 'reviewer'] as const) {
    const { context, page } = await newPage(browser);
    page.setDefaultTimeout(15_000);
    contexts.push(context);
    if (who === 'cataloguer') cataloguer = page;
    else reviewer = page;
  }
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

// Unique per run, so that reruns against the same data never meet an earlier entry of the same name.
const RUN = Date.now().toString(36);
const NAME = `城市公共充电桩运营信息（演练${RUN}）`;
/** A segmented word of the name (not the whole name), found by the Chinese search. */
const SEARCH_WORD = '充电桩';
const FIRST_ABSTRACT = '全市公共充电桩的位置、运营企业和运行状态。';
const FIXED_ABSTRACT =
  '全市公共充电桩的位置、运营企业和运行状态；数据来源：各充电运营企业每日报送，平台次日汇总更新。';
const JUSTIFICATION = `充电设施备案时须当场核验运营企业的统一社会信用代码（演练${RUN}）`;
const GENERAL_COMMENT = '请按字段批注修改后重新提交。';
const FIELD_COMMENT = '摘要须写明数据来源和更新方式。';
/** The holder of 统一社会信用代码 the duplicate check names first (a base resource of another department). */
const HOLDER = '沈阳市市场监督管理局《法人单位基础信息》';

let entryId = '';

/** How long `expect.poll` waits for the page (its default, one second, is short for a server round trip). */
const WAIT = { timeout: 15_000 };

const step = stepper('catalog');

/** Fills the data item row `index` of the editor's table. */
async function fillItem(page: Page, index: number, label: string, name: string): Promise<void> {
  const row = page.getByTestId('data-item-row').nth(index);
  await row.getByTestId('data-item-label').fill(label);
  await row.getByTestId('data-item-name').fill(name);
}

/** In the open submit dialog: the first confirmation is answered with the duplicates; a reason is required. */
async function submitWithJustification(page: Page): Promise<void> {
  const modal = page.getByTestId('submit-modal');
  await modal.waitFor();
  expect(await modal.textContent()).toContain(NAME);
  await page.getByTestId('submit-confirm').click();
  const duplicates = page.getByTestId('submit-duplicates');
  await duplicates.waitFor();
  expect(await duplicates.textContent()).toContain('统一社会信用代码');
  // Many resources hold it: the list is cut short until expanded.
  await duplicates.getByRole('button', { name: /展开全部/ }).click();
  await expect.poll(() => duplicates.textContent(), WAIT).toContain(HOLDER);

  // Confirming without a reason is refused in the dialog: nothing is submitted.
  await page.getByTestId('submit-confirm').click();
  await page
    .locator('.ant-modal .ant-form-item-explain-error', { hasText: '请说明重复采集的理由' })
    .waitFor();
  expect(await page.getByTestId('submit-modal').isVisible()).toBe(true);
  await screenshot(page, 'catalog-justification-required');

  await page.getByTestId('duplicate-justification').fill(JUSTIFICATION);
  await page.getByTestId('submit-confirm').click();
  await page.getByTestId('submit-modal').waitFor({ state: 'hidden' });
}

/**
 * Searches the catalog for `word` and waits for the answer to that search (the previous results stay
 * on screen while it loads): every result then names the word, and the total agrees.
 */
async function searchCatalog(page: Page, inputTestId: string, word: string): Promise<void> {
  const total = page.getByTestId('catalog-result-total');
  await expect.poll(() => total.textContent(), WAIT).toMatch(/共找到 \d+ 条目录/);
  await page.getByTestId(inputTestId).fill(word);
  await page.getByTestId(inputTestId).press('Enter');
  await page.waitForURL((url) => url.searchParams.get('q') === word);
  await expect
    .poll(async () => {
      if ((await page.locator('[data-testid="catalog-results"] .ant-spin-spinning').count()) > 0)
        return false;
      const names = await page.getByTestId('catalog-result-name').allTextContents();
      return names.length > 0 && names.every((n) => n.includes(word));
    }, WAIT)
    .toBe(true);
  const shown = await page.getByTestId('catalog-result-row').count();
  expect(await total.textContent()).toBe(`共找到 ${shown} 条目录`);
}

describe('catalog workflow: draft, duplicate justification, return, resubmit, approve, search', () => {
  it('the 交通局 cataloguer drafts an entry and is warned about a duplicate data item', async () => {
    const page = cataloguer;
    await step(page, 'draft', async () => {
      await signInThroughUi(page, 'jt.cataloguer');
      await page.waitForURL(/\/workspace/);
      await expect
        .poll(() => page.getByTestId('topbar-org').textContent(), WAIT)
        .toContain('沈阳市交通运输局');
      await page.getByTestId('nav-catalog-mine').click();
      await page.getByTestId('catalog-mine-page').waitFor();
      await page.getByTestId('catalog-create').click();
      await page.getByTestId('entry-editor').waitFor();

      await page.getByTestId('editor-name').fill(NAME);
      await page.getByTestId('editor-abstract').fill(FIRST_ABSTRACT);
      await choose(page, 'editor-format', '数据库');
      await choose(page, 'editor-update-cycle', '每日');
      await page.getByTestId('editor-spatial-extent').fill('沈阳市');
      await choose(page, 'editor-open-type', '无条件开放');
      expect(await page.getByTestId('editor-open-type').textContent()).toContain('无条件开放');
      expect(await page.getByTestId('editor-share-type').textContent()).toContain('无条件共享');
      expect(await page.getByTestId('editor-category-l1').inputValue()).toBe('部门');

      for (let i = 0; i < 3; i++) await page.getByTestId('data-item-add').click();
      await expect.poll(() => page.getByTestId('data-item-row').count(), WAIT).toBe(3);
      await fillItem(page, 0, '充电桩编号', 'pile_no');
      await fillItem(page, 1, '统一社会信用代码', 'credit_code');
      await fillItem(page, 2, '充电桩位置', 'pile_location');

      // The live check names the other department's published resource that holds the item.
      const warning = page.getByTestId('duplicate-warning');
      await warning.waitFor();
      await expect.poll(() => warning.textContent(), WAIT).toContain(HOLDER);
      const held = page.getByTestId('duplicate-item').filter({ hasText: '统一社会信用代码' });
      expect(await held.count()).toBeGreaterThan(0);
      expect(await page.getByTestId('duplicate-item').filter({ hasText: '充电桩' }).count()).toBe(0);
      // Only the duplicate row is marked in the table.
      await expect
        .poll(() => page.getByTestId('data-item-row').nth(1).getAttribute('class'), WAIT)
        .toContain('ht-row-duplicate');
      expect(await page.getByTestId('data-item-row').nth(0).getAttribute('class')).not.toContain(
        'ht-row-duplicate',
      );
      await screenshot(page, 'catalog-duplicate-warning');
    });
  });

  it('submitting needs a justification for the duplicate; with one the entry is submitted', async () => {
    const page = cataloguer;
    await step(page, 'submit', async () => {
      await page.getByTestId('editor-submit').click();
      await submitWithJustification(page);
      await page.waitForURL(/\/workspace\/catalog\/entries\/[^/]+$/);
      entryId = new URL(page.url()).pathname.split('/').pop() ?? '';
      expect(entryId).not.toBe('');
      await expect.poll(() => page.getByTestId('entry-name').textContent(), WAIT).toContain(NAME);
      await expect.poll(() => page.getByTestId('working-state-tag').textContent(), WAIT).toContain('已提交');
      expect(await page.getByTestId('version-duplicate-justification').textContent()).toBe(JUSTIFICATION);
      // Under review, the cataloguer can neither edit nor submit again.
      expect(await page.getByTestId('entry-edit').count()).toBe(0);
      expect(await page.getByTestId('entry-submit').count()).toBe(0);
    });
  });

  it('the city reviewer sees the justification and returns the entry with comments', async () => {
    const page = reviewer;
    await step(page, 'return', async () => {
      await signInThroughUi(page, 'reviewer');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-catalog-review').click();
      await page.getByTestId('review-queue-page').waitFor();
      const row = page.getByTestId('review-row').filter({ hasText: NAME });
      await row.waitFor();
      expect(await row.textContent()).toContain('沈阳市交通运输局');
      expect(await row.getByTestId('queue-duplicate-justification').textContent()).toContain(JUSTIFICATION);
      await row.getByTestId('review-open').click();
      await page.waitForURL(new RegExp(`/workspace/catalog/entries/${entryId}$`));

      const panel = page.getByTestId('review-panel');
      await panel.waitFor();
      expect(await page.getByTestId('review-duplicate-justification').textContent()).toBe(JUSTIFICATION);
      // Returning without any comment is refused.
      await page.getByTestId('review-return').click();
      await page.getByTestId('review-need-reason').waitFor();
      await expect.poll(() => page.getByTestId('working-state-tag').textContent(), WAIT).toContain('已提交');

      await page.getByTestId('review-comment').fill(GENERAL_COMMENT);
      // A comment on a named field, from the comment button next to 资源摘要.
      await page.getByTestId('comment-field-abstract').click();
      await page.getByTestId('review-field-comment-abstract').fill(FIELD_COMMENT);
      expect(await page.getByTestId('review-field-comment').textContent()).toContain('资源摘要');
      await screenshot(page, 'catalog-review-panel');
      await page.getByTestId('review-return').click();
      await expect.poll(() => page.getByTestId('working-state-tag').textContent(), WAIT).toContain('已退回');
      await page.getByTestId('review-panel').waitFor({ state: 'detached' });
      expect(await page.getByTestId('working-review-comment').textContent()).toContain(GENERAL_COMMENT);
    });
  });

  it('the cataloguer is told in the inbox, sees the comments, fixes the field and resubmits', async () => {
    const page = cataloguer;
    await step(page, 'resubmit', async () => {
      // Any page change reloads the inbox.
      await page.getByTestId('nav-catalog-mine').click();
      const row = page.getByTestId('mine-row').filter({ hasText: NAME });
      await row.waitFor();
      await expect.poll(() => row.getByTestId('mine-working-state').textContent(), WAIT).toContain('已退回');
      const bell = page.getByTestId('inbox-bell');
      await expect.poll(() => bell.getAttribute('aria-label'), WAIT).toMatch(/[1-9]\d* 条未读/);
      await bell.click();
      const note = page
        .getByTestId('inbox-item')
        .filter({ hasText: `目录《${NAME}》被退回修改` })
        .first();
      await note.waitFor();
      expect(await note.getAttribute('data-kind')).toBe('catalog.returned');
      expect(await note.getAttribute('data-read')).toBe('false');
      await screenshot(page, 'catalog-returned-inbox');
      await note.click();
      await page.waitForURL(new RegExp(`/workspace/catalog/entries/${entryId}$`));

      const comments = page.getByTestId('working-review-comment');
      await comments.waitFor();
      expect(await comments.textContent()).toContain(GENERAL_COMMENT);
      expect(await comments.textContent()).toContain(`资源摘要：${FIELD_COMMENT}`);
      expect(await page.getByTestId('field-comment-abstract').textContent()).toContain(FIELD_COMMENT);

      await page.getByTestId('entry-edit').click();
      await page.getByTestId('entry-editor').waitFor();
      expect(await page.getByTestId('editor-review-comment').textContent()).toContain(GENERAL_COMMENT);
      expect(await page.getByTestId('field-comment-abstract').textContent()).toContain(FIELD_COMMENT);
      await expect.poll(() => page.getByTestId('editor-abstract').inputValue(), WAIT).toBe(FIRST_ABSTRACT);
      expect(await page.getByTestId('data-item-row').count()).toBe(3);
      await page.getByTestId('editor-abstract').fill(FIXED_ABSTRACT);
      await page.getByTestId('duplicate-warning').waitFor();
      await screenshot(page, 'catalog-editor-returned');

      await page.getByTestId('editor-submit').click();
      await submitWithJustification(page);
      await page.waitForURL(new RegExp(`/workspace/catalog/entries/${entryId}$`));
      await expect.poll(() => page.getByTestId('working-state-tag').textContent(), WAIT).toContain('已提交');
      expect(await page.getByTestId('field-abstract').textContent()).toContain(FIXED_ABSTRACT);
    });
  });

  it('the reviewer approves the resubmitted entry, which is published with a resource code', async () => {
    const page = reviewer;
    await step(page, 'approve', async () => {
      await page.getByTestId('nav-catalog-review').click();
      const row = page.getByTestId('review-row').filter({ hasText: NAME });
      await row.waitFor();
      await row.getByTestId('review-entry-link').click();
      await page.waitForURL(new RegExp(`/workspace/catalog/entries/${entryId}$`));
      await page.getByTestId('review-panel').waitFor();
      expect(await page.getByTestId('field-abstract').textContent()).toContain(FIXED_ABSTRACT);
      await page.getByTestId('review-approve').click();
      await page.locator('.ant-modal-confirm .ant-modal-confirm-btns .ant-btn-primary').click();
      await page.getByTestId('tab-published').waitFor();
      await page.getByTestId('review-panel').waitFor({ state: 'detached' });
      expect(await page.getByTestId('working-state').count()).toBe(0);
      // A 部门 resource of a city department: 3 + division code, then a six-digit sequence.
      await expect.poll(() => page.getByTestId('entry-code').textContent(), WAIT).toMatch(/^3210100\/\d{6}$/);
      expect(await page.getByTestId('field-abstract').textContent()).toContain(FIXED_ABSTRACT);
      await screenshot(page, 'catalog-published');
    });
  });

  it('the published entry is found by a Chinese word in the workspace catalog', async () => {
    const page = cataloguer;
    await step(page, 'workspace-search', async () => {
      await page.getByTestId('nav-catalog-entries').click();
      await page.getByTestId('catalog-search-page').waitFor();
      await searchCatalog(page, 'catalog-search-input', SEARCH_WORD);
      const hit = page.locator(`[data-testid="catalog-result-row"][data-entry-id="${entryId}"]`);
      await hit.waitFor();
      expect(await hit.getByTestId('catalog-result-name').textContent()).toBe(NAME);
      expect(await hit.textContent()).toContain('沈阳市交通运输局');
      expect(await hit.getByTestId('catalog-result-code').textContent()).toMatch(/3210100\/\d{6}/);
      await screenshot(page, 'catalog-workspace-search');
    });
  });

  it('being 无条件开放, it is found on the public portal without signing in', async () => {
    const { context, page } = await newPage(browser);
    contexts.push(context);
    page.setDefaultTimeout(15_000);
    await step(page, 'portal-search', async () => {
      await page.goto('/catalog');
      await page.getByTestId('portal-catalog').waitFor();
      expect(await page.getByTestId('sign-out-button').count()).toBe(0);
      await searchCatalog(page, 'portal-catalog-search', SEARCH_WORD);
      const hit = page.locator(`[data-testid="catalog-result-row"][data-entry-id="${entryId}"]`);
      await hit.waitFor();
      expect(await hit.getByTestId('catalog-result-name').textContent()).toBe(NAME);
      expect(await hit.textContent()).toContain('无条件开放');
      await screenshot(page, 'catalog-portal-search');
      await hit.getByTestId('catalog-result-name').click();
      await page.getByTestId('portal-entry').waitFor();
      await expect.poll(() => page.getByTestId('entry-name').textContent(), WAIT).toBe(NAME);
      expect(await page.getByTestId('portal-entry-abstract').textContent()).toBe(FIXED_ABSTRACT);
    });
  });
});
