/**
 * The catalog in Excel, through the buttons a person uses: a department cataloguer downloads the
 * import template, fills in one entry with a data item and imports it (the draft appears in 我的目录);
 * a second file with a wrong value on a known row is refused whole, the error table names the sheet,
 * row and column, and nothing of that file is created; the export of a workspace search downloads an
 * .xlsx holding the entries the search shows.
 */
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, signInThroughUi } from './support/browser.ts';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** 市住建局: a department of the demo city with a published catalog of its own. */
const CATALOGUER = 'zj.cataloguer';

// Unique per run, so that reruns against the same data never meet an earlier entry of the same name.
const RUN = Date.now().toString(36);
const GOOD_NAME = `城市燃气管网巡检记录（导入${RUN}）`;
const REFUSED_GOOD_NAME = `老旧小区改造项目清单（导入${RUN}）`;
const REFUSED_BAD_NAME = `建筑工地扬尘监测数据（导入${RUN}）`;
/** Row of the sheet 目录 that holds the wrong value (row 1 is the header). */
const BAD_ROW = 3;
const BAD_HEADER = '共享类型';
/** A search of the workspace catalog whose results are exported. */
const SEARCH = '交通';

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The empty template as downloaded through the button. */
let template: Buffer;

beforeAll(async () => {
  browser = await launch();
  ({ context, page } = await newPage(browser));
  page.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await screenshot(page, `failure-xlsx-${name}`).catch(() => undefined);
    throw err;
  }
}

/** Clicks a button that makes the browser download a file, and answers the download. */
async function downloadThrough(testId: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return download;
}

async function bytesOf(download: Download): Promise<Buffer> {
  expect(await download.failure()).toBeNull();
  return fs.readFileSync(await download.path());
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

function sheetOf(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`the workbook has no sheet ${name}`);
  return ws;
}

/** Column number of each header of row 1. */
function headersOf(ws: ExcelJS.Worksheet): Map<string, number> {
  const at = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => at.set(textOf(cell), col));
  return at;
}

/** The text of a cell (the workbooks here hold plain strings and numbers). */
function textOf(cell: ExcelJS.Cell): string {
  const v = cell.value;
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Writes one row by header names, as a person fills in the template. */
function fillRow(ws: ExcelJS.Worksheet, row: number, values: Record<string, string | number>): void {
  const at = headersOf(ws);
  for (const [header, value] of Object.entries(values)) {
    const col = at.get(header);
    if (col === undefined) throw new Error(`the sheet ${ws.name} has no column ${header}`);
    ws.getRow(row).getCell(col).value = value;
  }
}

/** A complete, rule-abiding entry of the sheet 目录. */
const entry = (name: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  资源名称: name,
  资源摘要: '全市城镇燃气管网的巡检时间、巡检路段、发现隐患和处置结果。',
  资源属性: '部门',
  类: '部门',
  项: '住房和城乡建设',
  资源格式: '电子表格',
  共享类型: '无条件共享',
  共享方式: '共享平台（文件）',
  开放类型: '无条件开放',
  更新周期: '每月',
  领域: '城建住房；公共安全',
  关键字: '燃气；管网；巡检',
  空间范围: '沈阳市',
  ...overrides,
});

/** A data item of the sheet 信息项. */
const item = (entryName: string, name: string, label: string): Record<string, string | number> => ({
  资源名称: entryName,
  字段名: name,
  中文名称: label,
  数据类型: '字符串',
  长度: 100,
  必填: '是',
  敏感级别: 1,
});

async function fileFrom(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Chooses the file in the dialog that the import button opens. */
async function importThroughButton(name: string, bytes: Buffer): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByTestId('xlsx-import').click(),
  ]);
  await chooser.setFiles({ name, mimeType: XLSX_MIME, buffer: bytes });
}

/** Names of the organisation's entries, as 我的目录 loads them. */
async function myEntryNames(): Promise<string[]> {
  const res = await page.request.get('/api/catalog/mine');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { items: { name: string }[] };
  return body.items.map((e) => e.name);
}

describe('catalog entries in Excel', () => {
  it('the cataloguer downloads the template from 我的目录', async () => {
    await step('template', async () => {
      await signInThroughUi(page, CATALOGUER);
      await page.waitForURL(/\/workspace/);
      await page.goto('/workspace/catalog/mine');
      await page.getByTestId('catalog-mine-page').waitFor();
      await page.getByTestId('mine-row').first().waitFor();
      const download = await downloadThrough('xlsx-template-download');
      expect(download.suggestedFilename()).toBe('政务信息资源目录导入模板.xlsx');
      template = await bytesOf(download);
      const wb = await workbookOf(template);
      expect(wb.worksheets.map((w) => w.name)).toEqual(
        expect.arrayContaining(['目录', '信息项', '填写说明', '值列表']),
      );
      const entries = sheetOf(wb, '目录');
      expect(headersOf(entries).get('资源名称')).toBe(1);
      // An empty template: the header only.
      expect(entries.actualRowCount).toBe(1);
    });
  });

  it('imports a filled-in template as a draft that appears in 我的目录', async () => {
    await step('import', async () => {
      const wb = await workbookOf(template);
      fillRow(sheetOf(wb, '目录'), 2, entry(GOOD_NAME));
      const items = sheetOf(wb, '信息项');
      fillRow(items, 2, item(GOOD_NAME, 'pipe_section', '巡检路段'));
      fillRow(items, 3, item(GOOD_NAME, 'hazard', '发现隐患'));
      const before = await myEntryNames();
      expect(before).not.toContain(GOOD_NAME);

      await importThroughButton('燃气管网巡检.xlsx', await fileFrom(wb));
      await page.locator('.ant-message').getByText('已导入 1 条目录草稿').waitFor();
      const link = page.getByTestId('mine-entry-link').filter({ hasText: GOOD_NAME });
      await link.waitFor();
      const row = page.getByTestId('mine-row').filter({ has: link });
      expect(await row.getByTestId('mine-working-state').textContent()).toBe('草稿');
      // A rule-abiding entry leaves nothing to fix before submission.
      expect(await page.getByTestId('xlsx-import-warnings').count()).toBe(0);
      expect(await myEntryNames()).toHaveLength(before.length + 1);
      await screenshot(page, 'catalog-xlsx-mine');

      // The draft holds what the file said, data items included.
      await link.click();
      await page.waitForURL(/\/workspace\/catalog\/entries\//);
      await page.getByText('巡检路段').first().waitFor();
      await page.getByText('发现隐患').first().waitFor();
    });
  });

  it('refuses a file with a wrong value whole, naming sheet, row and column', async () => {
    await step('refused', async () => {
      await page.goto('/workspace/catalog/mine');
      await page.getByTestId('mine-row').first().waitFor();
      const wb = await workbookOf(template);
      const entries = sheetOf(wb, '目录');
      fillRow(
        entries,
        2,
        entry(REFUSED_GOOD_NAME, { 资源摘要: '全市老旧小区改造项目的名称、位置、改造内容和进度。' }),
      );
      fillRow(entries, BAD_ROW, entry(REFUSED_BAD_NAME, { [BAD_HEADER]: '随便共享' }));
      const badColumn = headersOf(entries).get(BAD_HEADER);
      if (badColumn === undefined) throw new Error(`no column ${BAD_HEADER}`);
      const items = sheetOf(wb, '信息项');
      // Not a snake_case field name: a second error, on the other sheet.
      fillRow(items, 2, item(REFUSED_GOOD_NAME, 'ProjectName', '项目名称'));
      const itemNameColumn = headersOf(items).get('字段名');
      if (itemNameColumn === undefined) throw new Error('no column 字段名');
      const before = await myEntryNames();

      await importThroughButton('改造项目和扬尘监测.xlsx', await fileFrom(wb));
      const report = page.getByTestId('xlsx-import-errors');
      await report.waitFor();
      expect(await report.getAttribute('data-count')).toBe('2');
      // The dialog says plainly that nothing was imported.
      const dialog = page.locator('.ant-modal', { has: report });
      expect(await dialog.locator('.ant-modal-title').textContent()).toBe('文件有误，未导入任何目录');
      expect(await report.textContent()).toContain('本次没有创建任何目录');

      const rows = page.getByTestId('xlsx-import-error-row');
      expect(await rows.count()).toBe(2);
      const bad = rows.first();
      expect(await bad.getAttribute('data-sheet')).toBe('目录');
      expect(await bad.getAttribute('data-row')).toBe(String(BAD_ROW));
      expect(await bad.getAttribute('data-column')).toBe(columnLetter(badColumn));
      const cells = bad.locator('td');
      expect(await cells.nth(0).textContent()).toBe('目录');
      expect(await cells.nth(1).textContent()).toBe(String(BAD_ROW));
      expect(await cells.nth(2).textContent()).toBe(`${columnLetter(badColumn)}（${BAD_HEADER}）`);
      expect(await cells.nth(3).textContent()).toContain('随便共享');
      const itemError = rows.nth(1);
      expect(await itemError.getAttribute('data-sheet')).toBe('信息项');
      expect(await itemError.getAttribute('data-row')).toBe('2');
      expect(await itemError.getAttribute('data-column')).toBe(columnLetter(itemNameColumn));
      expect(await itemError.textContent()).toContain('snake_case');
      await screenshot(page, 'catalog-xlsx-errors');

      await page.getByTestId('xlsx-report-close').click();
      await report.waitFor({ state: 'detached' });
      // All or nothing: not even the good row of the refused file was created.
      const after = await myEntryNames();
      expect(after).toEqual(before);
      expect(after).not.toContain(REFUSED_GOOD_NAME);
      expect(after).not.toContain(REFUSED_BAD_NAME);
      expect(await page.getByTestId('mine-entry-link').filter({ hasText: REFUSED_GOOD_NAME }).count()).toBe(
        0,
      );
    });
  });

  it('exports the current search of the workspace catalog as .xlsx holding the rows on screen', async () => {
    await step('export', async () => {
      await page.goto(`/workspace/catalog?q=${encodeURIComponent(SEARCH)}`);
      await page.getByTestId('catalog-result-name').first().waitFor();
      const shown = (await page.getByTestId('catalog-result-name').allTextContents()).map((s) => s.trim());
      const totalText = (await page.getByTestId('catalog-result-total').textContent()) ?? '';
      const total = Number(/\d+/.exec(totalText)?.[0]);
      expect(total).toBeGreaterThan(0);

      const download = await downloadThrough('xlsx-export');
      expect(download.suggestedFilename()).toMatch(/^政务信息资源目录-\d{8}\.xlsx$/);
      const wb = await workbookOf(await bytesOf(download));
      const entries = sheetOf(wb, '目录');
      const nameColumn = headersOf(entries).get('资源名称');
      if (nameColumn === undefined) throw new Error('no column 资源名称');
      const exported: string[] = [];
      entries.eachRow((row, n) => {
        if (n > 1) exported.push(textOf(row.getCell(nameColumn)));
      });
      // The whole search, not the page alone, and the entries on screen among them.
      expect(exported).toHaveLength(total);
      expect(exported).toContain(shown[0]);
      for (const name of shown) expect(exported).toContain(name);
      // Drafts are never exported: only published entries.
      expect(exported).not.toContain(GOOD_NAME);
    });
  });
});
