/**
 * The city administrator creates a department (with a credit code checked on the way) and a staff
 * account for it; the new person signs in, must change the temporary password, and lands in the
 * workspace of the new department.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, launch, newPage, pick, screenshot, signInThroughUi } from './support/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// 11 (机关) + 210100 + organisation code; check character per GB 32100: 11210100MB13579246 → computed below.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function withCheck(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + ALPHABET.indexOf(ch) * (WEIGHTS[i] ?? 0), 0);
  const c = 31 - (sum % 31);
  return first17 + ALPHABET.charAt(c === 31 ? 0 : c);
}

describe('administrator creates an organisation and an account', () => {
  it('creates 沈阳市体育局 and its cataloguer, who then signs in', async () => {
    const { context, page } = await newPage(browser);
    try {
      page.setDefaultTimeout(10_000);
      await signInThroughUi(page, 'admin');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-organisations').click();
      await page.getByTestId('organisation-create').click();
      await page.getByTestId('organisation-name').fill('沈阳市体育局');
      await page.getByTestId('organisation-short-name').fill('市体育局');
      const good = withCheck('11210100MB1357924');
      const wrong = good.slice(0, 17) + (good.endsWith('1') ? '2' : '1');
      await page.getByTestId('organisation-credit-code').fill(wrong);
      await choose(page, 'organisation-kind', '政务部门');
      await choose(page, 'organisation-level', '市级');
      await pick(page, 'organisation-division', '沈阳市');
      await page.getByTestId('organisation-save').click();
      // The check character is wrong: the form says so and nothing is created.
      await page.locator('.ant-form-item-explain-error', { hasText: '校验' }).first().waitFor();
      await page.getByTestId('organisation-credit-code').fill(good);
      await page.getByTestId('organisation-save').click();
      await page.getByTestId('organisation-form').waitFor({ state: 'hidden' });
      await page.getByTestId('organisation-search').fill('体育');
      await page.getByTestId('organisation-search').press('Enter');
      await page.getByTestId('organisation-row').filter({ hasText: '沈阳市体育局' }).first().waitFor();

      await page.getByTestId('nav-accounts').click();
      await page.getByTestId('account-create').click();
      await page.getByTestId('account-username').fill('ty.cataloguer');
      await page.getByTestId('account-display-name').fill('体育局编目员');
      await pick(page, 'account-org', '体育局');
      await pick(page, 'account-roles', '编目员');
      await page.keyboard.press('Escape');
      await page.getByTestId('account-password').fill('Tiyu-Temp-2026');
      await page.getByTestId('account-save').click();
      await page.getByTestId('account-form').waitFor({ state: 'hidden' });
      await page.getByTestId('account-search').fill('ty.');
      await page.getByTestId('account-search').press('Enter');
      await page.getByTestId('account-row').filter({ hasText: 'ty.cataloguer' }).first().waitFor();
      await screenshot(page, 'accounts');
      await page.getByTestId('sign-out-button').click();
      await page.waitForURL(/\/sign-in/);

      await signInThroughUi(page, 'ty.cataloguer', 'Tiyu-Temp-2026');
      await page.getByTestId('change-password-required').waitFor();
      await page.getByTestId('change-password-current').fill('Tiyu-Temp-2026');
      await page.getByTestId('change-password-new').fill('Tiyu-Own-Pass-2026');
      await page.getByTestId('change-password-confirm').fill('Tiyu-Own-Pass-2026');
      await page.getByTestId('change-password-submit').click();
      await page.waitForURL(/\/workspace/);
      await expect.poll(() => page.getByTestId('topbar-org').textContent()).toContain('沈阳市体育局');
      expect(await page.getByTestId('topbar-roles').textContent()).toContain('编目员');
    } catch (err) {
      await screenshot(page, 'failure-admin-creates');
      throw err;
    } finally {
      await context.close();
    }
  });
});
