/**
 * The auditor reads the audit trail, finds the sign-ins, and verifies the SM3 chain; anyone signed
 * in computes a statutory deadline over the Spring Festival with the working-day calendar.
 */
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

describe('audit trail and calendar', () => {
  it('the auditor sees sign-ins in the trail and the chain verifies', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signInThroughUi(page, 'auditor');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-audit').click();
      await page.getByTestId('audit-row').first().waitFor();
      expect(await page.getByTestId('audit-table').textContent()).toContain('auth.sign_in');
      await page.getByTestId('audit-verify').click();
      const result = page.getByTestId('audit-verify-result');
      await result.waitFor();
      expect(await result.getAttribute('data-ok')).toBe('true');
      await screenshot(page, 'audit');
    } finally {
      await context.close();
    }
  });

  it('computes 5 working days from 2026-02-13 across the Spring Festival as 2026-02-27', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signInThroughUi(page, 'scjg.approver');
      await page.waitForURL(/\/workspace/);
      await page.getByTestId('nav-calendar').click();
      await page.getByTestId('deadline-calculator').waitFor();
      const start = page.getByTestId('deadline-start');
      await start.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('2026-02-13');
      await page.keyboard.press('Enter');
      await page.getByTestId('deadline-preset-5').click();
      await page.getByTestId('deadline-submit').click();
      const result = page.getByTestId('deadline-result');
      await result.waitFor();
      expect(await result.getAttribute('data-deadline')).toBe('2026-02-27');
    } finally {
      await context.close();
    }
  });
});
