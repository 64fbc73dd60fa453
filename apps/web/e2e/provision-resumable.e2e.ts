/**
 * Resumable uploads and file resources end to end: the market-regulation bureau's data provider
 * uploads a GBK CSV whose headers do not match the data items (the column-mapping step, then the
 * validation report); an upload of more than one chunk whose second chunk is cut off resumes from the
 * server's offset (the first chunk is sent once); the statistics bureau's provider uploads a PDF with
 * a Chinese name as a files version and downloads it under the same name.
 */
import fs from 'node:fs';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { choose, pick, screenshot, signInThroughUi, specBrowser, stepper } from './support/browser.ts';
import { gbkCsv } from './support/gbk.ts';
import {
  BAD_CODE,
  BAD_ROW,
  MARKET_HEADER as HEADER,
  MARKET_HEADER_REST,
  MARKET_ROWS as ROWS,
} from './support/market-register.ts';

const browser = specBrowser();

const WAIT = { timeout: 30_000 };
const CHUNK = 8 * 1024 * 1024;

const step = stepper('resumable');

/** The first two headers are not the data items' names or labels: they need the mapping step. */
const ODD_HEADER = `信用代码,主体名称,${MARKET_HEADER_REST}`;

/** A small but real PDF (one page, no text). */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

async function openEntry(page: Page, username: string, entry: string): Promise<void> {
  await signInThroughUi(page, username);
  await page.getByTestId('nav-provision').click();
  await page.waitForURL('**/workspace/provision');
  const row = page.getByTestId('provision-entry-row').filter({ hasText: entry });
  await row.waitFor();
  await row.getByTestId('provision-entry-link').click();
  await page.waitForURL('**/workspace/provision/entries/*');
  await expect.poll(() => page.getByTestId('provision-entry-name').textContent(), WAIT).toBe(entry);
  await page.getByTestId('provision-upload-card').waitFor();
}

/** The version number of the current data version, or 0 when there is none. */
async function currentVersion(page: Page): Promise<number> {
  const row = page.getByTestId('data-version-row').filter({ has: page.getByTestId('data-version-current') });
  if ((await row.count()) === 0) return 0;
  return Number(/v(\d+)/.exec((await row.first().textContent()) ?? '')?.[1] ?? 0);
}

describe('resumable upload, column mapping and file resources', () => {
  let page: Page;

  it('maps the columns of a GBK CSV whose headers do not match, then shows the report', async () => {
    page = await browser.open(20_000);
    await step(page, 'mapping', async () => {
      await openEntry(page, 'scjg.provider', '市场主体登记注册信息');
      await page.locator('[data-testid="data-versions"] .ant-spin-spinning').waitFor({ state: 'detached' });
      const before = await currentVersion(page);
      await page.getByTestId('provision-upload-input').setInputFiles({
        name: '市场主体-列名不同.csv',
        mimeType: 'text/csv',
        buffer: gbkCsv([ODD_HEADER, ROWS[0], BAD_ROW, ROWS[1]]),
      });
      await choose(page, 'provision-encoding', 'GBK');
      await page.getByTestId('provision-upload-submit').click();

      const mapping = page.getByTestId('provision-column-mapping');
      await mapping.waitFor();
      expect(await mapping.textContent()).toContain('信用代码、主体名称');
      // Required items without a column hold the step back.
      expect(await page.getByTestId('column-mapping-confirm').isDisabled()).toBe(true);
      expect(await page.getByTestId('column-mapping-missing').textContent()).toContain('统一社会信用代码');
      expect(await page.getByTestId('column-mapping-select-entity_type').textContent()).toContain(
        '市场主体类型',
      );
      await screenshot(page, 'provision-column-mapping');

      await pick(page, 'column-mapping-select-credit_code', '信用代码');
      await pick(page, 'column-mapping-select-enterprise_name', '主体名称');
      await expect.poll(() => page.getByTestId('column-mapping-missing').count(), WAIT).toBe(0);
      await page.getByTestId('column-mapping-confirm').click();

      // The invalid row refuses the version whole: the report names its row, data item and value.
      const report = page.getByTestId('provision-report');
      await report.waitFor(WAIT);
      expect(await page.getByTestId('provision-result').getAttribute('data-state')).toBe('failed');
      const cells = await page.getByTestId('provision-problem-row').first().locator('td').allTextContents();
      expect(cells.slice(0, 3)).toEqual(['3', '统一社会信用代码', BAD_CODE]);
      expect(await page.getByTestId('provision-progress-rows').textContent()).toBe('已读取 3 行');
      expect(await page.getByTestId('provision-progress').getAttribute('data-percent')).toBe('100');
      expect(await currentVersion(page)).toBe(before);
      await screenshot(page, 'provision-mapping-report');
    });
  });

  it('resumes an upload whose second chunk was cut off from the server offset', async () => {
    await step(page, 'resume', async () => {
      const before = await currentVersion(page);
      const body = gbkCsv(ROWS);
      const copies = Math.ceil((CHUNK + 512 * 1024) / body.length);
      const file = Buffer.concat([gbkCsv([HEADER]), ...Array.from({ length: copies }, () => body)]);
      expect(file.length).toBeGreaterThan(CHUNK);

      const patches: string[] = [];
      const heads: string[] = [];
      let cut = false;
      await page.route('**/api/provision/uploads/*', async (route) => {
        const req = route.request();
        if (req.method() === 'PATCH') {
          const offset = (await req.headerValue('upload-offset')) ?? '';
          patches.push(offset);
          if (offset === String(CHUNK) && !cut) {
            cut = true;
            await route.abort('connectionreset');
            return;
          }
        }
        await route.continue();
      });
      const onResponse = async (res: {
        request(): Request;
        headerValue(n: string): Promise<string | null>;
      }) => {
        if (res.request().method() === 'HEAD' && res.request().url().includes('/api/provision/uploads/'))
          heads.push((await res.headerValue('upload-offset')) ?? '');
      };
      page.on('response', (res) => void onResponse(res));

      await page.getByTestId('provision-upload-input').setInputFiles({
        name: '市场主体-大文件.csv',
        mimeType: 'text/csv',
        buffer: file,
      });
      await choose(page, 'provision-encoding', 'GBK');
      await page.getByTestId('provision-upload-submit').click();
      await expect
        .poll(() => page.getByTestId('provision-result').getAttribute('data-state'), { timeout: 120_000 })
        .toBe('ready');
      await page.unroute('**/api/provision/uploads/*');

      // The first chunk went once; the cut one was sent again from where the server stood.
      expect(cut).toBe(true);
      expect(patches).toEqual(['0', String(CHUNK), String(CHUNK)]);
      expect(heads).toContain(String(CHUNK));
      expect(await page.getByTestId('provision-result').textContent()).toContain(`共 ${copies * 3} 行`);
      await expect.poll(() => currentVersion(page), WAIT).toBeGreaterThan(before);
      const current = page
        .getByTestId('data-version-row')
        .filter({ has: page.getByTestId('data-version-current') });
      expect(await current.textContent()).toContain('市场主体-大文件.csv');
    });
  });

  it('publishes a PDF with a Chinese name as a file resource and downloads it under that name', async () => {
    const tj = await browser.open(20_000);
    await step(tj, 'files', async () => {
      await openEntry(tj, 'tj.provider', '沈阳统计年鉴');
      const name = '沈阳统计年鉴（2025）第一卷.pdf';
      const pdf = tinyPdf();
      await tj
        .getByTestId('provision-upload-input')
        .setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf });
      await tj.getByTestId('provision-upload-submit').click();
      const row = tj.getByTestId('file-row').filter({ hasText: name });
      await row.waitFor(WAIT);
      expect(await row.textContent()).toContain('application/pdf');
      await screenshot(tj, 'provision-file-resource');
      const [download] = await Promise.all([
        tj.waitForEvent('download'),
        row.getByTestId('file-download').click(),
      ]);
      expect(download.suggestedFilename()).toBe(name);
      const saved = await download.path();
      expect(fs.readFileSync(saved).equals(pdf)).toBe(true);
    });
  });
});
