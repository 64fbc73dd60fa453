/**
 * 定时拉取 end to end: the city administrator allows a local data source on 连接器地址清单; the
 * market-regulation bureau's data provider configures an HTTP connector for 市场主体登记注册信息
 * (a GBK CSV answered by a server in this test), runs it now (queued on the job queue), sees the run
 * succeed in the run history and the new current version made by the connector; the secret typed in
 * is never shown again. A connector to an address not on the list is refused with the host named.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInThroughUi, specBrowser, stepper } from './support/browser.ts';
import { gbkCsv } from './support/gbk.ts';
import { MARKET_ENTRY as ENTRY, MARKET_HEADER, MARKET_ROWS } from './support/market-register.ts';

const browser = specBrowser();
let server: http.Server;
let port = 0;
let requests = 0;
let lastAuthorization: string | undefined;

const WAIT = { timeout: 20_000 };
const SECRET = 'Bearer e2e-connector-secret-5c1d';

beforeAll(async () => {
  // The source serves two rows of the register.
  const body = gbkCsv([MARKET_HEADER, ...MARKET_ROWS.slice(0, 2)]);
  server = http.createServer((req, res) => {
    requests++;
    lastAuthorization = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'text/csv' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const open = (): Promise<Page> => browser.open(15_000);

const step = stepper('connectors');

/** The version number of the current data version, or 0 when there is none. */
async function currentVersion(page: Page): Promise<number> {
  const row = page.getByTestId('data-version-row').filter({ has: page.getByTestId('data-version-current') });
  if ((await row.count()) === 0) return 0;
  return Number(/v(\d+)/.exec((await row.first().textContent()) ?? '')?.[1] ?? 0);
}

let provider: Page;

describe('pull connectors: allow-list, configure, run now, run history', () => {
  it('the provider cannot reach an address before the administrator allows it', async () => {
    provider = await open();
    const page = provider;
    await step(page, 'refused', async () => {
      await signInThroughUi(page, 'scjg.provider');
      await page.getByTestId('nav-provision').click();
      const row = page.getByTestId('provision-entry-row').filter({ hasText: ENTRY });
      await row.getByTestId('provision-entry-link').click();
      await page.getByTestId('connectors-card').waitFor();
      await page.getByTestId('connector-configure').click();
      await page.getByTestId('connector-url').fill(`http://127.0.0.1:${port}/市场主体.csv`);
      await page.getByTestId('connector-save').click();
      const error = page.locator('.ant-message-error');
      await error.waitFor();
      expect(await error.textContent()).toContain(`127.0.0.1:${port}`);
      expect(await error.textContent()).toContain('不在平台管理员允许的地址清单中');
      await page.locator('.ant-modal-close').click();
    });
  });

  it('the city administrator adds the address on 连接器地址清单', async () => {
    const page = await open();
    await step(page, 'allow', async () => {
      await signInThroughUi(page, 'admin');
      await page.getByTestId('nav-connectorAllowList').click();
      await page.getByTestId('connector-allow-list-page').waitFor();
      await page.getByTestId('allow-add').click();
      await page.getByTestId('allow-host').fill('127.0.0.1');
      await page.getByTestId('allow-port-from').fill(String(port));
      await page.getByTestId('allow-save').click();
      const row = page.getByTestId('allow-row').filter({ hasText: '127.0.0.1' });
      await row.waitFor();
      expect(await row.textContent()).toContain(String(port));
      await page.locator('.ant-modal').waitFor({ state: 'hidden' });
      await screenshot(page, 'connectors-allow-list');
    });
  });

  it('the provider configures the connector with a secret header that is never shown again', async () => {
    const page = provider;
    await step(page, 'configure', async () => {
      await page.reload();
      await page.getByTestId('connector-configure').click();
      await page.getByTestId('connector-url').fill(`http://127.0.0.1:${port}/市场主体.csv`);
      await page.getByLabel('认证请求头').fill('Authorization');
      await page.getByTestId('connector-secret').fill(SECRET);
      await page.getByTestId('connector-save').click();
      const summary = page.getByTestId('connector-summary');
      await summary.waitFor();
      const text = (await summary.textContent()) ?? '';
      expect(text).toContain(`127.0.0.1:${port}/市场主体.csv`);
      expect(text).toContain('更新周期');
      expect(text).toContain('Authorization: ••••••');
      expect(await page.content()).not.toContain('e2e-connector-secret');
      // Editing shows that a secret is stored, never the secret.
      await page.getByTestId('connector-edit').click();
      expect(await page.getByTestId('connector-secret').inputValue()).toBe('');
      expect(await page.locator('.ant-modal').textContent()).toContain('不再显示');
      await page.locator('.ant-modal-close').click();
    });
  });

  it('runs now from the queue: the run succeeds and its version becomes current', async () => {
    const page = provider;
    await step(page, 'run', async () => {
      await page.locator('[data-testid="data-versions"] .ant-spin-spinning').waitFor({ state: 'detached' });
      const before = await currentVersion(page);
      await page.getByTestId('connector-run').click();
      await page.getByTestId('connector-run-succeeded').first().waitFor(WAIT);
      expect(requests).toBeGreaterThan(0);
      expect(lastAuthorization).toBe(SECRET);
      const run = await page.getByTestId('connector-run-succeeded').first().textContent();
      expect(run).toContain('手动');
      expect(run).toContain('2');
      await expect.poll(() => currentVersion(page), WAIT).toBeGreaterThan(before);
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      expect(await current.textContent()).toContain('市场主体.csv');
      await page.getByTestId('connectors-card').scrollIntoViewIfNeeded();
      await screenshot(page, 'connectors-card');
    });
  });

  it('the provider removes the connector', async () => {
    const page = provider;
    await step(page, 'delete', async () => {
      await page.getByTestId('connectors-card').getByRole('button', { name: '删除连接器' }).click();
      await page.locator('.ant-popconfirm .ant-btn-primary').click();
      await page.getByTestId('connector-configure').waitFor();
    });
  });
});
