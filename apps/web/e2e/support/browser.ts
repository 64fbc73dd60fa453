import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../../test-results/e2e');
export const DEMO_PASSWORD = 'Huitong@2026';

/** Debian's Chromium, never a downloaded build. */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.HUITONG_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function baseUrl(): string {
  return inject('baseUrl');
}

export async function newPage(
  browser: Browser,
  locale = 'zh-CN',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale,
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * The browser of a spec file, launched before its tests and closed after them with every page
 * opened by `open` (each in a context of its own, with `timeout` as its default timeout if given).
 * Call it at the top of the spec file, before the file's own `beforeAll`.
 */
export function specBrowser(): { open: (timeout?: number) => Promise<Page> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });
  return {
    async open(timeout?: number) {
      if (!browser) throw new Error('the browser is launched in beforeAll');
      const { context, page } = await newPage(browser);
      contexts.push(context);
      if (timeout !== undefined) page.setDefaultTimeout(timeout);
      return page;
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The steps of a spec: `const step = stepper('upload')`, then `await step(page, 'report', ...)`;
 * a step that fails leaves `failure-upload-report.png` of the page behind.
 */
export function stepper(spec: string) {
  return async (page: Page, name: string, body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (err) {
      await screenshot(page, `failure-${spec}-${name}`).catch(() => undefined);
      throw err;
    }
  };
}

export async function signInThroughUi(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * Chooses an option of an antd Select by typing part of its label, and checks it was taken. Options
 * that load asynchronously can re-render under the pointer, so a pick that did not take is retried.
 */
export async function pick(page: Page, testId: string, text: string): Promise<void> {
  const select = page.getByTestId(testId);
  const option = page.locator(
    '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
    {
      hasText: text,
    },
  );
  for (let attempt = 1; ; attempt++) {
    await select.click();
    await select.locator('input').fill(text);
    // Searching selects ask the server after a 250 ms pause; let the results replace the list.
    await page.waitForTimeout(400);
    await option.first().waitFor();
    await option.first().click();
    try {
      await expect.poll(() => select.textContent(), { timeout: 2000 }).toContain(text);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/** Chooses an option of an antd Select without search, by its visible label. */
export async function choose(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label })
    .first()
    .click();
}
