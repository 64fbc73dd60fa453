import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problem } from '../plugins/error-handler.ts';
import { AppError, ValidationError } from '../shared/errors.ts';
import { openRowSource } from './index.ts';
import { failsToOpen, failure, read, readAll, tempDir, type TempDir } from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

const TABLE = [
  '统一社会信用代码,单位名称,所在区,从业人员数',
  '91210102MA0XXXXX1A,沈阳市和平区某某餐饮有限公司,和平区,35',
  '91210103MA0XXXXX2B,沈阳𠮷祥商贸有限公司,沈河区,8',
  '91210112MA0XXXXX3C,浑南区“智慧”科技中心,浑南区,120',
].join('\r\n');
const HEADERS = ['统一社会信用代码', '单位名称', '所在区', '从业人员数'];
const VALUES = [
  ['91210102MA0XXXXX1A', '沈阳市和平区某某餐饮有限公司', '和平区', '35'],
  ['91210103MA0XXXXX2B', '沈阳𠮷祥商贸有限公司', '沈河区', '8'],
  ['91210112MA0XXXXX3C', '浑南区“智慧”科技中心', '浑南区', '120'],
];

describe('CSV encodings', () => {
  it('reads UTF-8 without BOM, Chinese headers and values intact, records numbered by line', async () => {
    const file = await tmp.write('utf8.csv', TABLE);
    const { source, headers, rows } = await read(file, { format: 'csv' });
    expect(source.encoding).toBe('utf8');
    expect(source.delimiter).toBe(',');
    expect(headers).toEqual(HEADERS);
    expect(rows.map((r) => r.values)).toEqual(VALUES);
    expect(rows.map((r) => r.record)).toEqual([2, 3, 4]);
    expect(source.bytesRead()).toBe(Buffer.byteLength(TABLE));
  });

  it('drops a UTF-8 byte-order mark from the first header', async () => {
    const file = await tmp.write('bom.csv', `\ufeff${TABLE}`);
    const { source, headers, rows } = await read(file, { format: 'csv', encoding: 'utf8' });
    expect(source.encoding).toBe('utf8');
    expect(headers[0]).toBe('统一社会信用代码');
    expect(rows.map((r) => r.values)).toEqual(VALUES);
  });

  it('detects GBK (read as GB18030, its superset) and reads it when declared', async () => {
    const text = TABLE.replace('𠮷', '吉'); // 𠮷 is not in GBK
    const expected = VALUES.map((v) => v.map((x) => x.replace('𠮷', '吉')));
    const file = await tmp.write('gbk.csv', iconv.encode(text, 'gbk'));
    const auto = await read(file, { format: 'csv' });
    expect(auto.source.encoding).toBe('gb18030');
    expect(auto.headers).toEqual(HEADERS);
    expect(auto.rows.map((r) => r.values)).toEqual(expected);
    const declared = await read(file, { format: 'csv', encoding: 'gbk' });
    expect(declared.source.encoding).toBe('gbk');
    expect(declared.rows.map((r) => r.values)).toEqual(expected);
  });

  it('reads GB18030 with four-byte characters, detected or declared', async () => {
    const bytes = iconv.encode(TABLE, 'gb18030');
    // 𠮷 (U+20BB7) is a four-byte sequence in GB18030.
    expect(bytes.includes(iconv.encode('𠮷', 'gb18030'))).toBe(true);
    expect(iconv.encode('𠮷', 'gb18030').length).toBe(4);
    const file = await tmp.write('gb18030.csv', bytes);
    for (const encoding of ['auto', 'gb18030'] as const) {
      const { source, headers, rows } = await read(file, { format: 'csv', encoding });
      expect(source.encoding).toBe('gb18030');
      expect(headers).toEqual(HEADERS);
      expect(rows.map((r) => r.values)).toEqual(VALUES);
    }
  });

  it('reads a file that turns GBK only after the detection sample, when GB18030 is chosen', async () => {
    const lines = ['id,name'];
    for (let i = 1; i <= 3000; i++) lines.push(`${i},ascii name ${i} ${'x'.repeat(20)}`);
    lines.push('3001,沈阳');
    const bytes = iconv.encode(lines.join('\n'), 'gb18030');
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const file = await tmp.write('late-gbk.csv', bytes);
    const err = await failure(file, { format: 'csv' });
    expect(err.code).toBe('encoding_mismatch');
    expect(err.row).toBe(3002);
    expect(err.messages.zh).toContain('GBK/GB18030');
    expect(err.messages.zh).toContain('第 3002 行');
    const { rows } = await read(file, { format: 'csv', encoding: 'gb18030' });
    expect(rows.at(-1)).toEqual({ record: 3002, values: ['3001', '沈阳'] });
  });

  it('reads a UTF-16 file with its byte-order mark (Excel “Unicode text”, tab-separated)', async () => {
    const text = TABLE.replaceAll(',', '\t');
    const file = await tmp.write(
      'utf16.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]),
    );
    const { source, headers, rows } = await read(file, { format: 'csv' });
    expect(source.encoding).toBe('utf16le');
    expect(source.delimiter).toBe('\t');
    expect(headers).toEqual(HEADERS);
    expect(rows.map((r) => r.values)).toEqual(VALUES);
  });
});

describe('CSV delimiters and quoting', () => {
  it.each([
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ])('detects %j (%s), with commas inside the fields', async (delimiter, name) => {
    const text = [
      '名称;地址;面积'.replaceAll(';', delimiter),
      `和平区图书馆;南京南街 1 号,2 楼;1,200.5`.replaceAll(';', delimiter),
    ].join('\n');
    const file = await tmp.write(`${name}.csv`, text);
    const { source, headers, rows } = await read(file, { format: 'csv' });
    expect(source.delimiter).toBe(delimiter);
    expect(headers).toEqual(['名称', '地址', '面积']);
    expect(rows[0]?.values).toEqual(['和平区图书馆', '南京南街 1 号,2 楼', '1,200.5']);
  });

  it('uses a given delimiter, and refuses one that is not a single plain character', async () => {
    const file = await tmp.write('given.csv', '甲;乙,丙\n1;2,3\n');
    expect((await read(file, { format: 'csv', delimiter: ',' })).headers).toEqual(['甲;乙', '丙']);
    expect((await read(file, { format: 'csv', delimiter: ';' })).headers).toEqual(['甲', '乙,丙']);
    for (const delimiter of ['', ';;', '"', '\n']) {
      const err: unknown = await openRowSource(file, { format: 'csv', delimiter }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
    }
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks (RFC 4180), numbering records by their first line', async () => {
    const text = [
      '名称,说明,备注',
      '"沈阳故宫","清代皇宫,世界文化遗产","他说：""值得一去"""',
      '"北陵公园","第一行',
      '第二行',
      '第三行",',
      '',
      '中街,"",无',
    ].join('\r\n');
    const file = await tmp.write('quoted.csv', text);
    const { headers, rows } = await read(file, { format: 'csv' });
    expect(headers).toEqual(['名称', '说明', '备注']);
    expect(rows).toEqual([
      { record: 2, values: ['沈阳故宫', '清代皇宫,世界文化遗产', '他说："值得一去"'] },
      { record: 3, values: ['北陵公园', '第一行\r\n第二行\r\n第三行', null] },
      { record: 7, values: ['中街', null, '无'] },
    ]);
  });

  it('skips blank lines and records whose fields are all empty', async () => {
    const file = await tmp.write('blank.csv', '\n甲,乙\n\n1,2\n,\n\n3,4\n\n');
    const { rows } = await read(file, { format: 'csv' });
    expect(rows).toEqual([
      { record: 4, values: ['1', '2'] },
      { record: 7, values: ['3', '4'] },
    ]);
  });

  it('trims header names but keeps the spaces of values', async () => {
    const file = await tmp.write('spaces.csv', ' 名称 , 区 \n 和平区 ,  \n');
    const { headers, rows } = await read(file, { format: 'csv' });
    expect(headers).toEqual(['名称', '区']);
    expect(rows[0]?.values).toEqual([' 和平区 ', '  ']);
  });
});

describe('bad CSV files', () => {
  it('names the row, the expected and the actual field count of a ragged row', async () => {
    const file = await tmp.write('ragged.csv', '名称,区,人数\n甲,和平区,1\n乙,沈河区,2,多余\n');
    const more = await failure(file, { format: 'csv' });
    expect(more).toBeInstanceOf(AppError);
    expect(more.code).toBe('csv_field_count');
    expect(more.status).toBe(400);
    expect(more.row).toBe(3);
    expect(more.columnNumber).toBe(4);
    expect(more.messages.zh).toBe(
      '第 3 行，第 4 列：有 4 个字段，比表头的 3 个多（第 4 列没有表头）。含分隔符的字段须用双引号括起来',
    );
    expect(more.messages.en).toContain('Row 3, column 4: has 4 fields, more than the 3 of the header');

    const fewer = await failure(await tmp.write('short.csv', '名称,区,人数\n甲,和平区,1\n\n乙\n'), {
      format: 'csv',
    });
    expect(fewer.code).toBe('csv_field_count');
    expect(fewer.row).toBe(4);
    expect(fewer.column).toBe('区');
    expect(fewer.columnNumber).toBe(2);
    expect(fewer.messages.zh).toBe(
      '第 4 行，第 2 列（区）：只有 1 个字段，比表头的 3 个少（缺少从「区」起的 2 列）',
    );
  });

  it('names the place of broken quoting: an unclosed quote, text after a closing quote, a quote inside a field', async () => {
    const unclosed = await failure(await tmp.write('unclosed.csv', '名称,说明\n甲,好\n乙,"未闭合\n丙,3\n'), {
      format: 'csv',
    });
    expect(unclosed.code).toBe('csv_quote');
    expect(unclosed.row).toBe(3);
    expect(unclosed.column).toBe('说明');
    expect(unclosed.messages.zh).toContain('第 3 行，第 2 列（说明）');
    expect(unclosed.messages.zh).toContain('没有闭合的双引号');

    const after = await failure(await tmp.write('after.csv', '名称,说明\n甲,好\n乙,"引号"之后\n'), {
      format: 'csv',
    });
    expect(after.code).toBe('csv_quote');
    expect(after.row).toBe(3);
    expect(after.columnNumber).toBe(2);
    expect(after.messages.zh).toContain('闭合的双引号之后还有其他字符');

    const inside = await failure(await tmp.write('inside.csv', '名称,说明\n甲,好\n乙,5"屏幕\n'), {
      format: 'csv',
    });
    expect(inside.code).toBe('csv_quote');
    expect(inside.row).toBe(3);
    expect(inside.column).toBe('说明');
    expect(inside.messages.en).toContain('a double quote appears inside an unquoted field');
  });

  it('says a GBK file declared UTF-8 looks like GBK/GB18030, naming the line', async () => {
    const file = await tmp.write(
      'gbk-as-utf8.csv',
      iconv.encode('name,district\n1,shenyang\n2,和平区\n', 'gbk'),
    );
    const err = await failsToOpen(file, { format: 'csv', encoding: 'utf8' });
    expect(err.code).toBe('encoding_mismatch');
    expect(err.row).toBe(3);
    expect(err.messages.zh).toBe(
      '第 3 行：文件声明为 UTF-8 编码，但此处不是有效的 UTF-8，看起来是 GBK/GB18030 编码。请选择 GBK/GB18030 编码后重新读取',
    );
    expect(err.messages.en).toContain('it looks like GBK/GB18030');
  });

  it('says a UTF-8 file declared GBK is UTF-8', async () => {
    const file = await tmp.write('utf8-as-gbk.csv', TABLE);
    const err = await failsToOpen(file, { format: 'csv', encoding: 'gbk' });
    expect(err.code).toBe('encoding_mismatch');
    expect(err.messages.zh).toContain('是有效的 UTF-8 编码文本');
    const bom = await failsToOpen(await tmp.write('bom-as-gbk.csv', `\ufeff${TABLE}`), {
      format: 'csv',
      encoding: 'gb18030',
    });
    expect(bom.messages.en).toContain('starts with a UTF-8 byte-order mark');
  });

  it.each([
    ['zero bytes', ''],
    ['a byte-order mark only', '\ufeff'],
    ['blank lines only', '\r\n\n  \n'],
  ])('refuses an empty file: %s', async (name, content) => {
    const err = await failsToOpen(await tmp.write(`empty-${name}.csv`, content), { format: 'csv' });
    expect(err.code).toBe('file_empty');
    expect(err.messages.zh).toBe('文件无法读取：文件为空，没有表头和数据');
  });

  it('refuses a header-only file: it has no data rows', async () => {
    for (const content of ['名称,区', '名称,区\r\n', '名称,区\n\n,\n']) {
      const err = await failsToOpen(await tmp.write('header-only.csv', content), { format: 'csv' });
      expect(err.code).toBe('no_data_rows');
      expect(err.messages.zh).toBe('文件无法读取：文件只有表头，没有数据行');
    }
  });

  it('refuses empty and duplicate header names, naming the column', async () => {
    const empty = await failsToOpen(await tmp.write('empty-header.csv', '名称,,区\n1,2,3\n'), {
      format: 'csv',
    });
    expect(empty.code).toBe('header_empty');
    expect(empty.row).toBe(1);
    expect(empty.columnNumber).toBe(2);
    expect(empty.messages.zh).toBe('第 1 行，第 2 列：表头（字段名）为空，每一列都须有名称');

    const dup = await failsToOpen(await tmp.write('dup-header.csv', '名称,区,名称\n1,2,3\n'), {
      format: 'csv',
    });
    expect(dup.code).toBe('header_duplicate');
    expect(dup.columnNumber).toBe(3);
    expect(dup.messages.zh).toContain('表头「名称」与第 1 列「名称」重复');

    // Alike after folding width, case and spaces: they would map to the same data item.
    const alike = await failsToOpen(
      await tmp.write('alike-header.csv', 'Name,区（县）,NAME ,区(县)\n1,2,3,4\n'),
      {
        format: 'csv',
      },
    );
    expect(alike.code).toBe('header_duplicate');
    expect(alike.columnNumber).toBe(3);
  });

  it('refuses a binary file', async () => {
    const err = await failsToOpen(
      await tmp.write('binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1])),
      {
        format: 'csv',
      },
    );
    expect(err.code).toBe('not_text');
  });

  it('becomes problem+json with the place in fields and in the body', async () => {
    const err = await failure(await tmp.write('ragged2.csv', '甲,乙\n1,2\n3\n'), { format: 'csv' });
    const body = problem(err, 'req-1');
    expect(body).toMatchObject({
      status: 400,
      code: 'csv_field_count',
      row: 3,
      column: '乙',
      columnNumber: 2,
      fields: [
        { field: 'Row 3, column 2 (“乙”)', message: { zh: expect.stringContaining('只有 1 个字段') } },
      ],
    });
    expect(body.detail).toBe(`Row 3, column 2 (“乙”): ${err.problem.en}`);
  });
});

describe('a CSV source', () => {
  it('can be closed before, while and after reading, and stops reading when the loop breaks', async () => {
    const lines = ['编号,名称', ...Array.from({ length: 5000 }, (_, i) => `${i + 1},名称${i + 1}`)];
    const file = await tmp.write('close.csv', lines.join('\n'));
    const unread = await openRowSource(file, { format: 'csv' });
    await unread.close();
    await unread.close();

    const partly = await openRowSource(file, { format: 'csv' });
    let seen = 0;
    for await (const row of partly.rows) {
      seen = row.record;
      if (seen === 10) break;
    }
    expect(seen).toBe(10);
    await partly.close();
    expect(partly.bytesRead()).toBeLessThan(Buffer.byteLength(lines.join('\n')) + 1);

    const whole = await openRowSource(file, { format: 'csv' });
    const rows = await readAll(whole);
    expect(rows).toHaveLength(5000);
    expect(rows.at(-1)).toEqual({ record: 5001, values: ['5000', '名称5000'] });
    await whole.close();
  });
});
