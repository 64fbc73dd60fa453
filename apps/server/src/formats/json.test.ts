import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_HEADER_LOOKAHEAD } from './index.ts';
import { failsToOpen, failure, read, tempDir, type TempDir } from './test-files.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.remove();
});

describe('JSON', () => {
  it('reads an array of objects: Chinese keys and values, exact numbers, booleans, null, nested values as JSON text', async () => {
    const file = await tmp.write(
      'units.json',
      `\ufeff[
        {"统一社会信用代码": "91210102MA0XXXXX1A", "单位名称": "沈阳市和平区某某餐饮有限公司", "从业人员数": 35,
         "身份证号": 210102199001011234, "注册资本": 1.5e3, "比例": 1.50, "在营": true, "地址": {"区": "和平区", "邮编": "110001"}},
        {"单位名称": "沈阳𠮷祥商贸有限公司", "统一社会信用代码": null, "在营": false, "标签": ["批发", "零售"], "负责人": "张三"}
      ]`,
    );
    const { source, headers, rows } = await read(file, { format: 'json' });
    expect(source.format).toBe('json');
    expect(source.encoding).toBe('utf8');
    // The first record's keys in order, then new keys in the order met.
    expect(headers).toEqual([
      '统一社会信用代码',
      '单位名称',
      '从业人员数',
      '身份证号',
      '注册资本',
      '比例',
      '在营',
      '地址',
      '标签',
      '负责人',
    ]);
    expect(rows).toEqual([
      {
        record: 1,
        values: [
          '91210102MA0XXXXX1A',
          '沈阳市和平区某某餐饮有限公司',
          '35',
          '210102199001011234',
          '1500',
          '1.50',
          'true',
          '{"区":"和平区","邮编":"110001"}',
          null,
          null,
        ],
      },
      {
        record: 2,
        values: [
          null,
          '沈阳𠮷祥商贸有限公司',
          null,
          null,
          null,
          null,
          'false',
          null,
          '["批发","零售"]',
          '张三',
        ],
      },
    ]);
  });

  it('keeps a __proto__ key as an ordinary field', async () => {
    const file = await tmp.write('proto.json', '[{"__proto__": {"polluted": true}, "名称": "甲"}]');
    const { headers, rows } = await read(file, { format: 'json' });
    expect(headers).toEqual(['__proto__', '名称']);
    expect(rows[0]?.values).toEqual(['{"polluted":true}', '甲']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`takes headers from the first ${JSON_HEADER_LOOKAHEAD.records} records and refuses a key that first appears later, naming the record`, async () => {
    const records = Array.from({ length: JSON_HEADER_LOOKAHEAD.records + 5 }, (_, i) =>
      i === 999
        ? { 编号: i + 1, 名称: `第${i + 1}条`, 备注: '第一千条才有' }
        : { 编号: i + 1, 名称: `第${i + 1}条` },
    );
    const late = { 编号: 1003, 名称: '第1003条', 联系电话: '024-12345678' };
    records[1002] = late;
    const file = await tmp.write('late-key.json', JSON.stringify(records));
    const err = await failure(file, { format: 'json' });
    expect(err.code).toBe('json_new_field');
    expect(err.row).toBe(1003);
    expect(err.column).toBe('联系电话');
    expect(err.messages.zh).toBe(
      '第 1003 条记录，字段「联系电话」：出现了前 1000 条记录中没有的字段「联系电话」。字段取自前 1000 条记录，请让第一条记录包含所有字段（没有值的写 null）',
    );

    // Key 备注 first met at record 1000, within the look-ahead: it is a header.
    records[1002] = { 编号: 1003, 名称: '第1003条' };
    const ok = await read(await tmp.write('late-ok.json', JSON.stringify(records)), { format: 'json' });
    expect(ok.headers).toEqual(['编号', '名称', '备注']);
    expect(ok.rows).toHaveLength(1005);
    expect(ok.rows[999]?.values).toEqual(['1000', '第1000条', '第一千条才有']);
    expect(ok.rows[1004]).toEqual({ record: 1005, values: ['1005', '第1005条', null] });
  });
});

describe('bad JSON files', () => {
  it('refuses JSON that is not an array', async () => {
    const err = await failsToOpen(await tmp.write('object.json', '{"data": [{"名称": "甲"}]}'), {
      format: 'json',
    });
    expect(err.code).toBe('json_not_array');
    expect(err.messages.zh).toBe('文件无法读取：JSON 文件的顶层应为对象数组（[{…}, {…}]），实为对象');
  });

  it('refuses an array item that is not an object, naming the record', async () => {
    const err = await failure(await tmp.write('items.json', '[{"名称": "甲"}, {"名称": "乙"}, ["丙"]]'), {
      format: 'json',
    });
    expect(err.code).toBe('json_not_object');
    expect(err.row).toBe(3);
    expect(err.messages.zh).toBe('第 3 条记录：数组元素应为 JSON 对象（{…}），实为数组');
    const scalar = await failsToOpen(await tmp.write('scalar.json', '[42]'), { format: 'json' });
    expect(scalar.messages.en).toBe('Record 1: an array item must be a JSON object ({…}), not a number');
  });

  it('names the record and line where the JSON syntax breaks', async () => {
    const long = '沈阳'.repeat(300);
    const text = `[{"名称": "甲", "说明": "${long}"},\n {"名称": "乙", "说明": "${long}"},\n {"名称": "丙", "说明": "${long}",}]`;
    const err = await failure(await tmp.write('syntax.json', text), { format: 'json' });
    expect(err.code).toBe('json_syntax');
    expect(err.row).toBe(3);
    expect(err.messages.zh).toMatch(/^第 3 条记录：JSON 格式错误（第 3 行附近）：/);
    const truncated = await failure(
      await tmp.write('truncated.json', `[{"名称": "甲", "说明": "${long}"}, {"名称": "乙"`),
      {
        format: 'json',
      },
    );
    expect(truncated.code).toBe('json_syntax');
    expect(truncated.row).toBe(2);
  });

  it('refuses an empty array (no data rows), an empty file, empty objects and empty or duplicate keys', async () => {
    const empty = await failsToOpen(await tmp.write('empty-array.json', ' [ ] '), { format: 'json' });
    expect(empty.code).toBe('no_data_rows');
    expect(empty.messages.zh).toBe('文件无法读取：JSON 数组中没有记录（没有数据行）');
    expect((await failsToOpen(await tmp.write('empty.json', ''), { format: 'json' })).code).toBe(
      'file_empty',
    );
    expect((await failsToOpen(await tmp.write('blank.json', ' \n '), { format: 'json' })).code).toBe(
      'file_empty',
    );
    expect((await failsToOpen(await tmp.write('objects.json', '[{}, {}]'), { format: 'json' })).code).toBe(
      'no_columns',
    );
    const emptyKey = await failsToOpen(await tmp.write('empty-key.json', '[{"名称": "甲"}, {"": 1}]'), {
      format: 'json',
    });
    expect(emptyKey.code).toBe('header_empty');
    expect(emptyKey.row).toBe(2);
    const dup = await failsToOpen(await tmp.write('dup-key.json', '[{"Name": "甲", "name": "乙"}]'), {
      format: 'json',
    });
    expect(dup.code).toBe('header_duplicate');
    expect(dup.column).toBe('name');
  });

  it('refuses a record nested too deep', async () => {
    const deep = `[{"a": ${'['.repeat(100)}${']'.repeat(100)}}]`;
    const err = await failsToOpen(await tmp.write('deep.json', deep), { format: 'json' });
    expect(err.code).toBe('json_too_deep');
    expect(err.row).toBe(1);
  });
});

describe('NDJSON', () => {
  it('reads one object per line, numbering records by line, skipping blank lines, with CRLF', async () => {
    const file = await tmp.write(
      'units.ndjson',
      '{"名称": "沈阳故宫", "区": "沈河区", "年份": 1625}\r\n\r\n{"名称": "北陵公园", "区": "皇姑区", "年份": 1643}\r\n{"名称": "中街", "区": "沈河区"}',
    );
    const { source, headers, rows } = await read(file, { format: 'ndjson' });
    expect(source.format).toBe('ndjson');
    expect(headers).toEqual(['名称', '区', '年份']);
    expect(rows).toEqual([
      { record: 1, values: ['沈阳故宫', '沈河区', '1625'] },
      { record: 3, values: ['北陵公园', '皇姑区', '1643'] },
      { record: 4, values: ['中街', '沈河区', null] },
    ]);
  });

  it('names the line that is not an object, or not JSON', async () => {
    const notObject = await failure(
      await tmp.write('not-object.ndjson', '{"名称": "甲"}\n{"名称": "乙"}\n\n["丙"]\n'),
      { format: 'ndjson' },
    );
    expect(notObject.code).toBe('json_not_object');
    expect(notObject.row).toBe(4);
    expect(notObject.messages.zh).toBe('第 4 行：NDJSON 每行应为一个 JSON 对象（{…}），此行是数组');

    const syntax = await failure(await tmp.write('syntax.ndjson', '{"名称": "甲"}\n{"名称": "乙"\n'), {
      format: 'ndjson',
    });
    expect(syntax.code).toBe('json_syntax');
    expect(syntax.row).toBe(2);
    expect(syntax.messages.en).toContain('Line 2: invalid JSON (this line)');

    const two = await failure(await tmp.write('two.ndjson', '{"名称": "甲"} {"名称": "乙"}\n'), {
      format: 'ndjson',
    });
    expect(two.code).toBe('json_syntax');
    expect(two.row).toBe(1);
  });

  it('refuses a file of blank lines only as empty, and a file without records', async () => {
    expect((await failsToOpen(await tmp.write('blank.ndjson', '\n\n'), { format: 'ndjson' })).code).toBe(
      'file_empty',
    );
  });
});
