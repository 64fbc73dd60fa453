import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenOptions } from './index.ts';
import { read, tempDir, type TempDir } from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

// Text that GBK can encode (for the GBK file), with full-width punctuation, quotes, a comma, a
// line break and characters that are easy to get wrong (〇, 々, 鑫, 𠮷 is left out: not in GBK).
const HEADERS = ['资源名称', '责任部门', '所在区（县）', '备注'];
const ROWS = [
  ['沈阳市法人单位基本信息', '沈阳市市场监督管理局', '和平区', '每月更新；含「统一社会信用代码」'],
  ['公共图书馆名录', '沈阳市文化旅游和广播电视局', '沈河区', '地址：北陵大街 1 号，二楼'],
  ['〇号线站点', '沈阳地铁集团', '浑南区', '第一行\n第二行'],
  ['鑫々商贸', '“引号”公司', '辽中区', 'ＡＢＣ全角字母'],
];

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvText = (delimiter = ',') =>
  [HEADERS, ...ROWS].map((r) => r.map(csvField).join(delimiter)).join('\r\n') + '\r\n';

describe('Chinese text comes out identical from every format', () => {
  it('CSV (UTF-8, UTF-8 with BOM, GBK, GB18030), XLSX, JSON, NDJSON and GeoJSON', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('资源');
    ws.addRow(HEADERS);
    for (const r of ROWS) ws.addRow(r);
    const xlsx = `${tmp.dir}/same.xlsx`;
    await wb.xlsx.writeFile(xlsx);
    const objects = ROWS.map((r) => Object.fromEntries(HEADERS.map((h, i) => [h, r[i]])));

    const files: [string, OpenOptions][] = [
      [await tmp.write('utf8.csv', csvText()), { format: 'csv' }],
      [await tmp.write('bom.csv', `\ufeff${csvText(';')}`), { format: 'csv', encoding: 'utf8' }],
      [await tmp.write('gbk.csv', iconv.encode(csvText('\t'), 'gbk')), { format: 'csv', encoding: 'gbk' }],
      [await tmp.write('gb18030.csv', iconv.encode(csvText('|'), 'gb18030')), { format: 'csv' }],
      [xlsx, { format: 'xlsx' }],
      [await tmp.write('same.json', JSON.stringify(objects, null, 2)), { format: 'json' }],
      [
        await tmp.write('same.ndjson', objects.map((o) => JSON.stringify(o)).join('\n')),
        { format: 'ndjson' },
      ],
      [
        await tmp.write(
          'same.geojson',
          JSON.stringify({
            type: 'FeatureCollection',
            features: objects.map((properties) => ({ type: 'Feature', geometry: null, properties })),
          }),
        ),
        { format: 'geojson' },
      ],
    ];
    for (const [file, options] of files) {
      const { headers, rows } = await read(file, options);
      expect(headers, file).toEqual(HEADERS);
      expect(
        rows.map((r) => r.values),
        file,
      ).toEqual(ROWS);
    }
  });
});
