/**
 * A visitor who has not signed in (issue 11): the portal's pages load without a single error in the
 * browser's console (every page load used to log the 401 of `GET /api/auth/me`), and the API
 * documentation page renders under the content security policy (its inline style was refused).
 */
import type { ConsoleMessage, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { specBrowser } from './support/browser.ts';

const browser = specBrowser();

/** Everything the page reports as an error: console errors (failed requests, CSP refusals) and uncaught exceptions. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

describe('an anonymous visit', () => {
  it('loads the portal’s pages without an error in the console', async () => {
    const page = await browser.open();
    const errors = collectErrors(page);
    const answers: { url: string; status: number }[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/')) answers.push({ url: r.url(), status: r.status() });
    });
    for (const route of ['/', '/catalog', '/sign-in']) {
      await page.goto(route);
      await page.waitForLoadState('networkidle');
    }
    // The web asked who is calling, and was told: nobody (not a 401).
    expect(answers.some((a) => a.url.endsWith('/api/auth/session') && a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.status >= 400)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('renders the API documentation under the content security policy', async () => {
    const page = await browser.open();
    const errors = collectErrors(page);
    const res = await page.goto('/api/docs');
    expect(res?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('汇通 Huitong API');
    await page.locator('.opblock-tag').first().waitFor();
    // An operation opened shows its parameters and answers (rendered on demand).
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });
});
