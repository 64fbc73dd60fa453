/**
 * The city administrator keeps the administrative divisions through the shared form-in-a-modal
 * (components/form-modal.tsx): a code that exists already is refused under its field and the modal
 * stays open with what was typed; a new code is saved, the modal closes and the row appears; the
 * rename modal changes its name.
 */
import { describe, expect, it } from 'vitest';
import { signInThroughUi, specBrowser } from './support/browser.ts';

const browser = specBrowser();

describe('行政区划 kept by the city administrator', () => {
  it('adds a division (a taken code refused on its field) and renames it', async () => {
    const page = await browser.open(30_000);
    await signInThroughUi(page, 'admin');
    await page.waitForURL(/\/workspace/);
    await page.goto('/workspace/admin/divisions');
    await page.getByTestId('divisions-table').waitFor();

    await page.getByTestId('division-create').click();
    await page.getByTestId('division-code').fill('210102'); // 和平区
    await page.getByTestId('division-name').fill('体育新区');
    await page.getByTestId('division-save').click();
    const codeItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('division-code') });
    await expect.poll(() => codeItem.locator('.ant-form-item-explain-error').innerText()).toContain('已存在');
    // Still open, with what was typed.
    expect(await page.getByTestId('division-name').inputValue()).toBe('体育新区');

    await page.getByTestId('division-code').fill('210199');
    await page.getByTestId('division-save').click();
    await page.getByTestId('division-code').waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="division-row"][data-row-key="210199"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('体育新区');

    await row.getByTestId('division-rename').click();
    expect(await page.getByTestId('division-rename-name').inputValue()).toBe('体育新区');
    await page.getByTestId('division-rename-name').fill('体育新城');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByTestId('division-rename-name').waitFor({ state: 'detached' });
    await expect.poll(() => row.innerText()).toContain('体育新城');
  });
});
