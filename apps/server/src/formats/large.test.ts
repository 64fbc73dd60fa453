/**
 * Large files are read as streams: the rows are counted right and the heap does not grow with the
 * file. Memory is measured after full collections (what is retained), never time.
 */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHENYANG_DISTRICTS } from '../../test/provision.ts';
import { openRowSource, type OpenOptions } from './index.ts';
import { retainedHeap, tempDir, type TempDir } from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

const MiB = 1024 * 1024;
const DISTRICTS = SHENYANG_DISTRICTS;

/** Writes `count` lines made by `line(i)` (0-based) to a file, streaming, with back-pressure. */
async function writeLines(name: string, head: string, count: number, line: (i: number) => string, tail = '') {
  const path = `${tmp.dir}/${name}`;
  const out = createWriteStream(path);
  if (!out.write(head)) await once(out, 'drain');
  for (let i = 0; i < count; i++) {
    if (!out.write(line(i))) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
  return path;
}

/**
 * Reads a file to the end, checking every row with `check`, and measures the heap retained at
 * points along the way against the heap retained before opening.
 */
async function readMeasured(
  file: string,
  options: OpenOptions,
  check: (record: number, values: (string | null)[]) => void,
) {
  const before = retainedHeap();
  const source = await openRowSource(file, options);
  let count = 0;
  let peak = 0;
  for await (const row of source.rows) {
    check(row.record, row.values);
    count++;
    if (count % 25_000 === 0) peak = Math.max(peak, retainedHeap() - before);
  }
  const after = retainedHeap() - before;
  return { source, count, peak: Math.max(peak, after), after };
}

describe('large files stream in constant memory', () => {
  it('reads a 200,000-row CSV through, every row in order, without the heap growing with the file', async () => {
    const rows = 200_000;
    const file = await writeLines(
      'large.csv',
      '编号,单位名称,所在区,地址,从业人员数,备注\n',
      rows,
      (i) =>
        `${i + 1},沈阳市第${i + 1}号示范单位有限公司,${DISTRICTS[i % 10]},"沈阳市${DISTRICTS[i % 10]}中山路${i}号，${i % 7}楼",${i % 500},"说明：""第${i + 1}行"""\n`,
    );
    const size = (await stat(file)).size;
    expect(size).toBeGreaterThan(20 * MiB);
    let expected = 1;
    const { source, count, peak } = await readMeasured(file, { format: 'csv' }, (record, values) => {
      expected++;
      const n = expected - 1;
      if (
        record !== expected ||
        values[0] !== String(n) ||
        values[1] !== `沈阳市第${n}号示范单位有限公司` ||
        values[2] !== DISTRICTS[(n - 1) % 10] ||
        values[5] !== `说明："第${n}行"`
      )
        expect.fail(`row ${expected}: ${record} ${JSON.stringify(values)}`);
    });
    expect(count).toBe(rows);
    expect(source.bytesRead()).toBe(size);
    expect(peak).toBeLessThan(50 * MiB);
  });

  it('reads a 100,000-record JSON array and NDJSON file through, in constant memory', async () => {
    const records = 100_000;
    const record = (i: number) =>
      JSON.stringify({
        编号: i + 1,
        单位名称: `沈阳市第${i + 1}号示范单位`,
        所在区: DISTRICTS[i % 10],
        坐标: [123.4, 41.8],
      });
    const json = await writeLines(
      'large.json',
      '[\n',
      records,
      (i) => `${i > 0 ? ',\n' : ''}${record(i)}`,
      '\n]\n',
    );
    const ndjson = await writeLines('large.ndjson', '', records, (i) => `${record(i)}\n`);
    for (const [file, format] of [
      [json, 'json'],
      [ndjson, 'ndjson'],
    ] as const) {
      let n = 0;
      const { count, peak } = await readMeasured(file, { format }, (recordNumber, values) => {
        n++;
        if (values[0] !== String(n) || values[1] !== `沈阳市第${n}号示范单位` || values[3] !== '[123.4,41.8]')
          expect.fail(`${format} record ${n}: ${JSON.stringify(values)}`);
        if (format === 'json' && recordNumber !== n) expect.fail(`record ${recordNumber} is not ${n}`);
      });
      expect(count).toBe(records);
      expect(peak).toBeLessThan(50 * MiB);
    }
  });

  it('reads a 60,000-row XLSX sheet through, streaming', async () => {
    const rows = 60_000;
    const path = `${tmp.dir}/large.xlsx`;
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const ws = writer.addWorksheet('企业名录');
    ws.addRow(['编号', '单位名称', '所在区', '从业人员数']).commit();
    for (let i = 0; i < rows; i++)
      ws.addRow([i + 1, `沈阳市第${i + 1}号示范单位`, DISTRICTS[i % 10], i % 500]).commit();
    await writer.commit();
    let expected = 1;
    const { count, peak } = await readMeasured(path, { format: 'xlsx' }, (record, values) => {
      expected++;
      // Every Chinese name intact: exceljs decodes each chunk on its own, which would split a
      // character cut by a chunk boundary (the reader gives it chunks that are never cut so).
      if (
        record !== expected ||
        values[0] !== String(expected - 1) ||
        values[1] !== `沈阳市第${expected - 1}号示范单位` ||
        values[2] !== DISTRICTS[(expected - 2) % 10]
      )
        expect.fail(`row ${expected}: ${record} ${JSON.stringify(values)}`);
    });
    expect(count).toBe(rows);
    // The shared strings (60,000 unique names) stay in memory while the sheet is read: that is XLSX.
    expect(peak).toBeLessThan(50 * MiB);
  });
});
