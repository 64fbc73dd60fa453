/**
 * Chinese first, English on request: the language switch changes the whole UI, is remembered by the
 * browser across reloads and sign-in, and the home page and workspace are saved as screenshots.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, signInThroughUi } from './support/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('language and looks', () => {
  it('defaults to Chinese even for an English browser, switches to English and remembers it', async () => {
    const { context, page } = await newPage(browser, 'en-US');
    try {
      await page.goto('/');
      await page.getByTestId('portal-hero').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect((await page.getByTestId('portal-sign-in').textContent())?.replace(/\s/g, '')).toBe('登录');
      expect(await page.title()).toContain('汇通');
      const file = await screenshot(page, 'portal-home');
      expect(fs.statSync(file).size).toBeGreaterThan(20_000);

      await page.getByTestId('language-switch').click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en-US');
      expect(await page.getByTestId('portal-sign-in').textContent()).toContain('Sign in');
      await page.reload();
      await page.getByTestId('portal-hero').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en-US');

      await signInThroughUi(page, 'admin');
      await page.waitForURL(/\/workspace/);
      await expect.poll(() => page.getByTestId('nav-organisations').textContent()).toContain('Organisations');
      await page.getByTestId('language-switch').click();
      await expect.poll(() => page.getByTestId('nav-organisations').textContent()).toContain('组织机构');
    } finally {
      await context.close();
    }
  });

  it('saves screenshots of the workspace pages', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signInThroughUi(page, 'admin');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('welcome').waitFor();
      await screenshot(page, 'workspace');
      await page.getByTestId('nav-organisations').click();
      await page.getByTestId('organisation-row').first().waitFor();
      await screenshot(page, 'organisations');
      await page.getByTestId('nav-calendar').click();
      await page.locator('[data-testid="calendar-day"]').first().waitFor();
      await screenshot(page, 'calendar');
    } finally {
      await context.close();
    }
  });
});
