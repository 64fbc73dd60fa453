import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Aligned } from './xlsx.ts';
import {
  deflated,
  failsToOpen,
  failure,
  read,
  retainedHeap,
  stored,
  tempDir,
  unzip,
  zerosDeflated,
  zip,
  type TempDir,
  type ZipPart,
} from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

async function workbookFile(name: string, fill: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  const path = `${tmp.dir}/${name}`;
  await wb.xlsx.writeFile(path);
  return path;
}

describe('XLSX', () => {
  it('reads the first sheet: Chinese text, numbers without exponent, dates, booleans, formulas, rich text, links, errors, empty cells', async () => {
    const file = await workbookFile('types.xlsx', (wb) => {
      const ws = wb.addWorksheet('企业名录');
      ws.addRow([
        '单位名称',
        '从业人员数',
        '注册资本（万元）',
        '成立日期',
        '更新时间',
        '是否在营',
        '人均',
        '所在区',
        '网站',
        '备注',
      ]);
      ws.addRow([
        '沈阳市和平区某某餐饮有限公司',
        35,
        1e21,
        new Date(Date.UTC(2019, 4, 20)),
        new Date(Date.UTC(2024, 0, 15, 8, 30, 0)),
        true,
        { formula: 'C2/B2', result: 1.5e-7 },
        { richText: [{ text: '和平' }, { font: { bold: true }, text: '区' }] },
        { text: '沈阳市人民政府', hyperlink: 'https://www.shenyang.gov.cn/' },
        { error: '#N/A' },
      ]);
      ws.addRow(['沈阳𠮷祥商贸有限公司', -0.000001, 3.14, null, null, false, null, '沈河区']);
    });
    const { source, headers, rows } = await read(file, { format: 'xlsx' });
    expect(source.sheet).toBe('企业名录');
    expect(source.encoding).toBeUndefined();
    expect(headers).toEqual([
      '单位名称',
      '从业人员数',
      '注册资本（万元）',
      '成立日期',
      '更新时间',
      '是否在营',
      '人均',
      '所在区',
      '网站',
      '备注',
    ]);
    expect(rows).toEqual([
      {
        record: 2,
        values: [
          '沈阳市和平区某某餐饮有限公司',
          '35',
          '1000000000000000000000',
          '2019-05-20',
          '2024-01-15T08:30:00',
          'true',
          '0.00000015',
          '和平区',
          '沈阳市人民政府',
          '#N/A',
        ],
      },
      {
        record: 3,
        values: [
          '沈阳𠮷祥商贸有限公司',
          '-0.000001',
          '3.14',
          null,
          null,
          'false',
          null,
          '沈河区',
          null,
          null,
        ],
      },
    ]);
    expect(source.bytesRead()).toBeGreaterThan(0);
  });

  it('chooses a sheet by name (also written with other width or spaces) or by position', async () => {
    const file = await workbookFile('sheets.xlsx', (wb) => {
      wb.addWorksheet('填写说明').addRow(['说明']).commit();
      wb.getWorksheet('填写说明')?.addRow(['请在「数据」表中填写']);
      const data = wb.addWorksheet('数据（2024）');
      data.addRow(['区', '人口（万人）']);
      data.addRow(['和平区', 64.5]);
    });
    expect((await read(file, { format: 'xlsx' })).rows[0]?.values).toEqual(['请在「数据」表中填写']);
    for (const sheet of ['数据（2024）', ' 数据(2024) ', 2]) {
      const { source, headers, rows } = await read(file, { format: 'xlsx', sheet });
      expect(source.sheet).toBe('数据（2024）');
      expect(headers).toEqual(['区', '人口（万人）']);
      expect(rows).toEqual([{ record: 2, values: ['和平区', '64.5'] }]);
    }
    const byName = await failsToOpen(file, { format: 'xlsx', sheet: '统计' });
    expect(byName.code).toBe('xlsx_sheet_not_found');
    expect(byName.messages.zh).toBe(
      '文件无法读取：工作簿中没有名为「统计」的工作表，现有：「填写说明」、「数据（2024）」',
    );
    const byNumber = await failsToOpen(file, { format: 'xlsx', sheet: 3 });
    expect(byNumber.messages.en).toContain(
      'has 2 sheet(s) (“填写说明”, “数据（2024）”), not a sheet number 3',
    );
  });

  it('takes the first non-empty row as the header, wherever the table starts, numbering records by sheet row and skipping empty rows', async () => {
    const file = await workbookFile('offset.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.getCell('B3').value = '名称';
      ws.getCell('C3').value = '区';
      ws.getCell('B4').value = '中街';
      ws.getCell('C4').value = '沈河区';
      ws.getCell('B5').style = { font: { bold: true } };
      ws.getCell('C7').value = '浑南区';
    });
    const { headers, rows } = await read(file, { format: 'xlsx' });
    expect(headers).toEqual(['名称', '区']);
    expect(rows).toEqual([
      { record: 4, values: ['中街', '沈河区'] },
      { record: 7, values: [null, '浑南区'] },
    ]);
  });

  it('reads a workbook without a shared-strings part (inline strings) and a sheet part not named sheetN.xml', async () => {
    const path = `${tmp.dir}/inline.xlsx`;
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
    const ws = writer.addWorksheet('名录');
    ws.addRow(['名称', '区']).commit();
    ws.addRow(['北陵公园', '皇姑区']).commit();
    await writer.commit();
    const parts = unzip(await readFile(path));
    expect(parts.has('xl/sharedStrings.xml')).toBe(false);
    expect((await read(path, { format: 'xlsx' })).rows).toEqual([
      { record: 2, values: ['北陵公园', '皇姑区'] },
    ]);

    const renamed = new Map(
      [...parts].map(([name, data]) =>
        name === 'xl/worksheets/sheet1.xml'
          ? (['xl/worksheets/names.xml', data] as const)
          : ([name, data] as const),
      ),
    );
    const rels = renamed.get('xl/_rels/workbook.xml.rels')?.toString('utf8') ?? '';
    renamed.set(
      'xl/_rels/workbook.xml.rels',
      Buffer.from(rels.replace('worksheets/sheet1.xml', '/xl/worksheets/names.xml')),
    );
    const other = await tmp.write('renamed.xlsx', zip([...renamed].map(([n, d]) => deflated(n, d))));
    const { source, rows } = await read(other, { format: 'xlsx' });
    expect(source.sheet).toBe('名录');
    expect(rows).toEqual([{ record: 2, values: ['北陵公园', '皇姑区'] }]);
  });
});

describe('chunks given to exceljs', () => {
  it('never end inside a UTF-8 character', async () => {
    const text = '沈阳𠮷a和平区'.repeat(50);
    const bytes = Buffer.from(text);
    async function* cut(size: number) {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    for (const size of [1, 2, 5, 7, 64]) {
      const out: Buffer[] = [];
      for await (const chunk of utf8Aligned(cut(size))) out.push(chunk);
      expect(Buffer.concat(out).equals(bytes)).toBe(true);
      // Each chunk decodes on its own, as exceljs decodes it.
      expect(out.map((c) => new TextDecoder().decode(c)).join('')).toBe(text);
    }
  });
});

describe('bad XLSX files', () => {
  it('names the sheet, row and column letter of a value right of the header', async () => {
    const file = await workbookFile('beyond.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.addRow(['名称', '区', '人数']);
      ws.addRow(['甲', '和平区', 1]);
      ws.addRow(['乙', '沈河区', 2, '多出的值']);
    });
    const err = await failure(file, { format: 'xlsx' });
    expect(err.code).toBe('xlsx_value_without_header');
    expect(err.row).toBe(3);
    expect(err.columnNumber).toBe(4);
    expect(err.messages.zh).toBe(
      '工作表「数据」，第 3 行，D 列：单元格有值「多出的值」，但这一列没有表头（表头在 A 到 C 列）',
    );
    expect(err.extra).toMatchObject({ sheet: '数据', row: 3, columnNumber: 4 });

    const left = await workbookFile('left.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.getCell('B1').value = '名称';
      ws.getCell('B2').value = '甲';
      ws.getCell('A3').value = '序号 3';
      ws.getCell('B3').value = '乙';
    });
    const leftErr = await failure(left, { format: 'xlsx' });
    expect(leftErr.code).toBe('xlsx_value_without_header');
    expect(leftErr.messages.en).toContain('Sheet “数据”, row 3, column A:');

    const titled = await workbookFile('title.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.addRow(['2024 年沈阳市企业名录']);
      ws.addRow(['名称', '区']);
      ws.addRow(['甲', '和平区']);
    });
    const titleErr = await failsToOpen(titled, { format: 'xlsx' });
    expect(titleErr.code).toBe('xlsx_value_without_header');
    expect(titleErr.row).toBe(2);
    expect(titleErr.messages.zh).toContain('如表头上方有标题行，请删除标题行');
  });

  it('refuses a header-only sheet, an empty sheet, and empty or duplicate header names', async () => {
    const headerOnly = await workbookFile('header-only.xlsx', (wb) =>
      wb.addWorksheet('数据').addRow(['名称', '区']),
    );
    const noRows = await failsToOpen(headerOnly, { format: 'xlsx' });
    expect(noRows.code).toBe('no_data_rows');
    expect(noRows.messages.zh).toBe('文件无法读取：工作表「数据」只有表头，没有数据行');

    const empty = await workbookFile('empty-sheet.xlsx', (wb) => wb.addWorksheet('空表'));
    expect((await failsToOpen(empty, { format: 'xlsx' })).code).toBe('file_empty');

    const gap = await workbookFile('gap.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.getCell('A1').value = '名称';
      ws.getCell('C1').value = '区';
      ws.getCell('A2').value = '甲';
    });
    const gapErr = await failsToOpen(gap, { format: 'xlsx' });
    expect(gapErr.code).toBe('header_empty');
    expect(gapErr.messages.zh).toContain('工作表「数据」，第 1 行，B 列');

    const dup = await workbookFile('dup.xlsx', (wb) => {
      const ws = wb.addWorksheet('数据');
      ws.addRow(['名称', '区', '名称']);
      ws.addRow(['甲', '乙', '丙']);
    });
    const dupErr = await failsToOpen(dup, { format: 'xlsx' });
    expect(dupErr.code).toBe('header_duplicate');
    expect(dupErr.columnNumber).toBe(3);
  });

  it('refuses what is not a workbook: not a zip, an old .xls, a zip holding something else, an empty file', async () => {
    const csv = await failsToOpen(await tmp.write('really.csv.xlsx', '名称,区\n甲,和平区\n'), {
      format: 'xlsx',
    });
    expect(csv.code).toBe('xlsx_not_zip');
    expect(csv.messages.zh).toContain('如果是 CSV 文件，请选择 CSV 格式');

    const ole = Buffer.alloc(512);
    ole.writeUInt32BE(0xd0cf11e0, 0);
    ole.writeUInt32BE(0xa1b11ae1, 4);
    expect((await failsToOpen(await tmp.write('old.xlsx', ole), { format: 'xlsx' })).code).toBe(
      'xlsx_old_format',
    );

    const other = await tmp.write('readme.xlsx', zip([deflated('readme.txt', Buffer.from('你好'))]));
    expect((await failsToOpen(other, { format: 'xlsx' })).code).toBe('xlsx_not_workbook');

    expect((await failsToOpen(await tmp.write('empty.xlsx', ''), { format: 'xlsx' })).code).toBe(
      'file_empty',
    );

    const good = await workbookFile('to-cut.xlsx', (wb) => wb.addWorksheet('数据').addRow(['名称']));
    const cut = (await readFile(good)).subarray(0, 2000);
    expect((await failsToOpen(await tmp.write('cut.xlsx', cut), { format: 'xlsx' })).code).toBe(
      'xlsx_not_zip',
    );
  });

  const WORKBOOK_PARTS: ZipPart[] = [
    stored(
      '[Content_Types].xml',
      Buffer.from(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      ),
    ),
    stored(
      'xl/workbook.xml',
      Buffer.from(
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
    ),
    stored(
      'xl/_rels/workbook.xml.rels',
      Buffer.from(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    ),
  ];

  it('does not inflate a zip bomb, whether it declares its size or lies about it', async () => {
    const bomb = zerosDeflated(1024); // 1 GiB of zeros in about 1 MiB
    const sheet = (size: number): ZipPart => ({
      name: 'xl/worksheets/sheet1.xml',
      method: 8,
      data: bomb,
      size,
      crc: 0,
    });
    const before = retainedHeap();
    const honest = await failsToOpen(
      await tmp.write('honest-bomb.xlsx', zip([...WORKBOOK_PARTS, sheet(1024 ** 3)])),
      {
        format: 'xlsx',
      },
    );
    expect(honest.code).toBe('xlsx_too_large');
    expect(honest.messages.zh).toContain('疑似 zip 炸弹');

    const liar = await failsToOpen(
      await tmp.write('lying-bomb.xlsx', zip([...WORKBOOK_PARTS, sheet(4096)])),
      {
        format: 'xlsx',
      },
    );
    expect(liar.code).toBe('xlsx_corrupt');
    expect(liar.messages.en).toContain('possibly a zip bomb');

    const strings = await failsToOpen(
      await tmp.write(
        'strings-bomb.xlsx',
        zip([
          ...WORKBOOK_PARTS,
          deflated('xl/worksheets/sheet1.xml', Buffer.from('<worksheet><sheetData/></worksheet>')),
          { name: 'xl/sharedStrings.xml', method: 8, data: bomb, size: 200 * 1024 * 1024, crc: 0 },
        ]),
      ),
      { format: 'xlsx' },
    );
    expect(strings.code).toBe('xlsx_too_large');
    expect(strings.messages.zh).toContain('共享字符串表解压后超过 128 MB');
    expect(retainedHeap() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an encrypted part and a part whose data does not match its CRC', async () => {
    const sheetXml = Buffer.from(
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c></row></sheetData></worksheet>',
    );
    const ok = await read(
      await tmp.write(
        'minimal.xlsx',
        zip([...WORKBOOK_PARTS, deflated('xl/worksheets/sheet1.xml', sheetXml)]),
      ),
      {
        format: 'xlsx',
      },
    );
    expect(ok.rows).toEqual([{ record: 2, values: ['甲'] }]);

    const encrypted = { ...deflated('xl/worksheets/sheet1.xml', sheetXml), flags: 1 };
    const enc = await failsToOpen(await tmp.write('encrypted.xlsx', zip([...WORKBOOK_PARTS, encrypted])), {
      format: 'xlsx',
    });
    expect(enc.code).toBe('xlsx_encrypted');

    const badCrc = { ...deflated('xl/worksheets/sheet1.xml', sheetXml), crc: 12345 };
    const crc = await failure(await tmp.write('bad-crc.xlsx', zip([...WORKBOOK_PARTS, badCrc])), {
      format: 'xlsx',
    });
    expect(crc.code).toBe('xlsx_corrupt');
  });
});
