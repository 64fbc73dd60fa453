import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, orgIdByName, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { deflated, stored, unzip, zerosDeflated, zip, type ZipPart } from '../../../test/zip.ts';
import type { DataItem, EntryMetadata } from './catalog.model.ts';
import { XLSX_MIME } from '../../shared/download.ts';

let t: TestApp;
const s: Record<string, Session> = {};
let statisticsBasis = '';
let privacyBasis = '';
let dataSecurityBasis = '';
let weatherBasis = '';

const ENTRY_HEADERS = [
  '资源名称',
  '资源摘要',
  '资源属性',
  '基础资源类别',
  '类',
  '项',
  '目',
  '细目',
  '资源格式',
  '共享类型',
  '共享条件',
  '共享方式',
  '共享依据',
  '开放类型',
  '开放条件',
  '开放依据',
  '更新周期',
  '领域',
  '关键字',
  '空间范围',
  '开放许可',
  '联系人',
  '联系电话',
  '电子邮箱',
  '关联资源代码',
];
const ITEM_HEADERS = ['资源名称', '字段名', '中文名称', '数据类型', '长度', '必填', '敏感级别', '说明'];

const item = (name: string, label: string, extra: Partial<DataItem> = {}): DataItem => ({
  name,
  label,
  dataType: 'string',
  length: 50,
  required: true,
  sensitivity: 1,
  description: null,
  ...extra,
});

function metadata(overrides: Partial<EntryMetadata> = {}): EntryMetadata {
  const name = overrides.name ?? '食品经营许可信息';
  return {
    name,
    abstract: '本市食品经营许可证的发证、变更和注销信息。',
    classification: 'department',
    baseKind: null,
    category: { l1: '部门', l2: '市场监管', l3: '食品安全', l4: null },
    format: 'database',
    dataItems: [item('record_no', `${name}编号`)],
    shareType: 'unconditional',
    shareCondition: null,
    shareMethod: 'platform_api',
    openType: 'open',
    openCondition: null,
    updateCycle: 'daily',
    relatedCodes: [],
    domains: ['企业登记监管'],
    keywords: ['食品', '许可'],
    spatialExtent: '沈阳市',
    licence: null,
    contactName: '信息中心',
    contactPhone: '024-22222222',
    contactEmail: null,
    shareBasisIds: [],
    openBasisIds: [],
    ...overrides,
  };
}

interface Entry {
  id: string;
  code: string | null;
  orgName: string;
  published: { metadata: EntryMetadata } | null;
  working: { state: string; metadata: EntryMetadata } | null;
}

interface Issue {
  sheet: string;
  row: number | null;
  column: string | null;
  header: string | null;
  message: { zh: string; en: string };
}

async function publish(who: string, m: EntryMetadata): Promise<Entry> {
  const created = await s[who]?.request('POST', '/api/catalog/entries', m);
  expect(created?.statusCode, created?.body).toBe(201);
  const id = (created?.json() as Entry).id;
  const sub = await s[who]?.request('POST', `/api/catalog/entries/${id}/submit`, {});
  expect(sub?.statusCode, sub?.body).toBe(200);
  const ok = await s.reviewer?.request('POST', `/api/catalog/entries/${id}/review`, { decision: 'approve' });
  expect(ok?.statusCode, ok?.body).toBe(200);
  return ok?.json() as Entry;
}

/** Sends bytes as the body, as a browser's fetch(file) does. */
function upload(who: Session | undefined, body: Buffer, contentType = XLSX_MIME) {
  return t.app.inject({
    method: 'POST',
    url: '/api/catalog/xlsx/import',
    headers: {
      ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
      'content-type': contentType,
    },
    payload: body,
  });
}

async function download(who: Session | undefined, url: string) {
  const res = await t.app.inject({
    method: 'GET',
    url,
    headers: who ? { cookie: who.cookie } : {},
  });
  return res;
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const ab = new ArrayBuffer(bytes.length);
  new Uint8Array(ab).set(bytes);
  await wb.xlsx.load(ab);
  return wb;
}

async function save(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

const rowValues = (ws: ExcelJS.Worksheet, n: number, count: number) =>
  Array.from({ length: count }, (_, i) => ws.getRow(n).getCell(i + 1).value);

async function mine(who: string): Promise<number> {
  const res = await s[who]?.request('GET', '/api/catalog/mine');
  return (res?.json() as { items: unknown[] }).items.length;
}

// ---------- zip helpers for hostile files ----------

const MINIMAL_PARTS = [
  stored(
    '[Content_Types].xml',
    Buffer.from(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
  ),
  stored('xl/workbook.xml', Buffer.from('<?xml version="1.0"?><workbook/>')),
];

// ---------- the suite ----------

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of [
    'reviewer',
    'scjg.cataloguer',
    'gongan.cataloguer',
    'hunnan.jy.cataloguer',
    'gongan.user',
    'citizen',
  ]) {
    s[u] = await signIn(t.app, u);
  }
  const basis = async (title: string, article: string) => {
    const res = await s.reviewer?.request('POST', '/api/catalog/legal-bases', {
      title,
      kind: 'law',
      article,
      quote: '……',
    });
    expect(res?.statusCode, res?.body).toBe(201);
    return (res?.json() as { id: string }).id;
  };
  statisticsBasis = await basis('中华人民共和国统计法', '第三十九条');
  privacyBasis = await basis('中华人民共和国个人信息保护法', '第二十八条');
  // The library also holds titles written with their book-title marks.
  dataSecurityBasis = await basis('《中华人民共和国数据安全法》', '第三十八条（2021年施行）');
  // …some with a document number after the title, and an article with a 「；」 in it.
  weatherBasis = await basis('《气象资料共享管理办法》（中国气象局令第4号）', '第五条（试行；2001年）');
});
afterAll(async () => {
  await t?.close();
});

describe('template', () => {
  it('is an .xlsx with the four sheets, a styled frozen header and drop-down lists fed by the hidden 值列表', async () => {
    const res = await download(s['scjg.cataloguer'], '/api/catalog/xlsx/template');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    const disposition = String(res.headers['content-disposition']);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('政务信息资源目录导入模板.xlsx');
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"/);

    const wb = await load(res.rawPayload);
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['目录', 'visible'],
      ['信息项', 'visible'],
      ['填写说明', 'visible'],
      ['值列表', 'hidden'],
    ]);
    const entries = sheet(wb, '目录');
    expect(rowValues(entries, 1, ENTRY_HEADERS.length)).toEqual(ENTRY_HEADERS);
    expect(entries.getCell('A1').font.bold).toBe(true);
    expect(entries.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const items = sheet(wb, '信息项');
    expect(rowValues(items, 1, ITEM_HEADERS.length)).toEqual(ITEM_HEADERS);
    expect(items.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    // Every enumerated column offers its Chinese labels from 值列表.
    const lists = sheet(wb, '值列表');
    const optionsOf = (ws: ExcelJS.Worksheet, address: string) => {
      const v = ws.getCell(address).dataValidation;
      expect(v.type, `${ws.name}!${address}`).toBe('list');
      const m = /^'值列表'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)$/.exec(String(v.formulae[0]));
      expect(m, String(v.formulae[0])).not.toBeNull();
      const [, col = 'A', from = '0', to = '0'] = m ?? [];
      return Array.from(
        { length: Number(to) - Number(from) + 1 },
        (_, i) => lists.getCell(`${col}${Number(from) + i}`).value,
      );
    };
    expect(optionsOf(entries, 'C2')).toEqual(['基础', '主题', '部门']);
    expect(optionsOf(entries, 'D500')).toEqual([
      '人口',
      '法人单位',
      '自然资源和空间地理',
      '社会信用',
      '电子证照',
    ]);
    expect(optionsOf(entries, 'I2')).toContain('数据库');
    expect(optionsOf(entries, 'J2')).toEqual(['无条件共享', '有条件共享', '不予共享']);
    expect(optionsOf(entries, 'L2')).toContain('共享平台（接口）');
    expect(optionsOf(entries, 'N1001')).toEqual(['无条件开放', '依申请开放', '不予开放']);
    expect(optionsOf(entries, 'Q2')).toEqual(['实时', '每日', '每周', '每月', '每季度', '每半年', '每年']);
    expect(optionsOf(items, 'D2')).toContain('公民身份号码');
    expect(optionsOf(items, 'F2')).toEqual(['是', '否']);
    expect(optionsOf(items, 'G2')).toEqual([1, 2, 3, 4]);

    const guide = sheet(wb, '填写说明');
    const text: string[] = [];
    guide.eachRow((row) => row.eachCell((c) => text.push(c.text)));
    const all = text.join('\n');
    for (const article of ['第十八条', '第十九条', '第二十四条', '第二十七条'])
      expect(all).toContain(article);
    for (const header of ENTRY_HEADERS) expect(text).toContain(header);
    // The library is listed for copying.
    expect(all).toContain('《中华人民共和国统计法》第三十九条');
  });

  it('imported unchanged, is refused as empty', async () => {
    const template = await download(s['scjg.cataloguer'], '/api/catalog/xlsx/template');
    const res = await upload(s['gongan.cataloguer'], template.rawPayload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('xlsx_empty');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});

describe('export and import', () => {
  it('round-trips: published entries exported, imported by another department as drafts with the same metadata', async () => {
    const licence = await publish(
      'scjg.cataloguer',
      metadata({
        name: '食品经营许可信息',
        abstract: '本市食品经营许可证的发证、变更和注销信息，含“经营者名称”等字段。\n自 2015 年起。',
        category: { l1: '部门', l2: '市场监管', l3: '食品安全', l4: '餐饮服务' },
        shareType: 'conditional',
        shareCondition: '仅限市场监管执法使用；不得用于其他用途',
        shareBasisIds: [statisticsBasis, dataSecurityBasis],
        openType: 'on_application',
        openCondition: '申请人须说明用途',
        openBasisIds: [privacyBasis, statisticsBasis, weatherBasis],
        dataItems: [
          item('licence_no', '许可证编号', { length: 20 }),
          item('operator_name', '经营者名称', { length: 200, description: '与营业执照一致' }),
          item('issue_date', '发证日期', { dataType: 'date', length: null, sensitivity: 2 }),
        ],
        domains: ['企业登记监管', '信用'],
        keywords: ['食品', '许可', '经营'],
        contactEmail: 'scjg@shenyang.gov.cn',
        licence: '沈阳市政务数据开放许可协议',
      }),
    );
    const equipment = await publish(
      'scjg.cataloguer',
      metadata({
        name: '特种设备登记信息',
        classification: 'topic',
        category: { l1: '主题', l2: '营商环境', l3: null, l4: null },
        format: 'spreadsheet',
        shareMethod: 'platform_file',
        updateCycle: 'weekly',
        dataItems: [
          item('device_code', '设备注册代码', { description: '第一行\n第二行' }),
          item('use_status', '使用状态', { dataType: 'integer', length: 2, required: false, sensitivity: 2 }),
        ],
        keywords: ['特种设备'],
        contactName: null,
        contactPhone: '02422222222',
      }),
    );
    const charter = await publish(
      'scjg.cataloguer',
      metadata({
        name: '电子营业执照信息',
        classification: 'base',
        baseKind: 'e_licence',
        category: { l1: '基础', l2: '电子证照', l3: null, l4: null },
        format: 'service',
        dataItems: [
          item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
          item('registered_at', '成立日期', { dataType: 'datetime', length: null, required: false }),
        ],
        relatedCodes: licence.code ? [licence.code] : [],
        domains: [],
        keywords: [],
        spatialExtent: null,
      }),
    );
    const originals = [licence, equipment, charter];
    const scjg = await orgIdByName(t.app, '沈阳市市场监督管理局');

    const res = await download(s['gongan.user'], `/api/catalog/xlsx/export?orgId=${scjg}&pageSize=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    expect(res.headers['x-total-count']).toBe('3');
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(String(res.headers['content-disposition']))?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toMatch(/^政务信息资源目录-\d{8}\.xlsx$/);

    // Same layout as the template, Chinese labels, bases as 《title》article.
    const wb = await load(res.rawPayload);
    const entries = sheet(wb, '目录');
    expect(rowValues(entries, 1, ENTRY_HEADERS.length)).toEqual(ENTRY_HEADERS);
    const rows = new Map<string, unknown[]>();
    entries.eachRow((row, n) => {
      if (n > 1) rows.set(row.getCell(1).text, rowValues(entries, n, ENTRY_HEADERS.length));
    });
    expect([...rows.keys()].sort()).toEqual(originals.map((e) => e.published?.metadata.name).sort());
    const food = rows.get('食品经营许可信息') ?? [];
    expect(food[2]).toBe('部门');
    expect(food[9]).toBe('有条件共享');
    expect(food[12]).toBe(
      '《中华人民共和国统计法》第三十九条；《中华人民共和国数据安全法》第三十八条（2021年施行）',
    );
    expect(food[15]).toBe(
      '《中华人民共和国个人信息保护法》第二十八条；《中华人民共和国统计法》第三十九条；《气象资料共享管理办法》（中国气象局令第4号）第五条（试行；2001年）',
    );
    expect(rows.get('电子营业执照信息')?.[3]).toBe('电子证照');
    let itemRows = 0;
    sheet(wb, '信息项').eachRow((_row, n) => (itemRows += n > 1 ? 1 : 0));
    expect(itemRows).toBe(7);

    const before = await mine('gongan.cataloguer');
    const imported = await upload(s['gongan.cataloguer'], res.rawPayload);
    expect(imported.statusCode, imported.body).toBe(201);
    const body = imported.json() as { items: { id: string; name: string; row: number }[]; warnings: Issue[] };
    expect(body.items.map((i) => i.name).sort()).toEqual([...rows.keys()].sort());
    expect(await mine('gongan.cataloguer')).toBe(before + 3);

    for (const original of originals) {
      const created = body.items.find((i) => i.name === original.published?.metadata.name);
      const got = (
        await s['gongan.cataloguer']?.request('GET', `/api/catalog/entries/${created?.id ?? ''}`)
      )?.json() as Entry;
      expect(got.orgName).toBe('沈阳市公安局');
      expect(got.published).toBeNull();
      expect(got.working?.state).toBe('draft');
      expect(got.working?.metadata).toEqual(original.published?.metadata);
    }
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where(
        'target_id',
        'in',
        body.items.map((i) => i.id),
      )
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['catalog.create', 'catalog.create', 'catalog.create']);
  });

  it('imports nothing when one of 40 rows is wrong, naming sheet 目录, row 37 and the column', async () => {
    const template = await download(s['gongan.cataloguer'], '/api/catalog/xlsx/template');
    const wb = await load(template.rawPayload);
    const entries = sheet(wb, '目录');
    const items = sheet(wb, '信息项');
    for (let i = 1; i <= 40; i++) {
      const row = i + 1;
      const values: Record<string, string> = {
        资源名称: `人口迁移登记信息第${i}批`,
        资源摘要: '户籍迁入迁出登记。',
        资源属性: '部门',
        类: '部门',
        项: '公安',
        资源格式: '数据库',
        共享类型: row === 37 ? '随便共享' : '无条件共享',
        共享方式: '共享平台（接口）',
        开放类型: '不予开放',
        // A title alone stands for its only article in the library.
        开放依据:
          i % 2 === 0 ? '《中华人民共和国个人信息保护法》第二十八条' : '《中华人民共和国个人信息保护法》',
        更新周期: '每月',
      };
      ENTRY_HEADERS.forEach((h, c) => {
        const v = values[h];
        if (v !== undefined) entries.getRow(row).getCell(c + 1).value = v;
      });
      items.addRow([`人口迁移登记信息第${i}批`, 'move_date', '迁移日期', '日期', null, '是', 2, null]);
    }
    const before = await mine('gongan.cataloguer');
    const res = await upload(s['gongan.cataloguer'], await save(wb));
    expect(res.statusCode, res.body).toBe(400);
    const problem = res.json() as {
      code: string;
      errorCount: number;
      errors: Issue[];
      message: { zh: string };
    };
    expect(problem.code).toBe('xlsx_invalid');
    expect(problem.errors).toEqual([
      {
        sheet: '目录',
        row: 37,
        column: 'J',
        header: '共享类型',
        message: { zh: expect.stringContaining('随便共享'), en: expect.stringContaining('随便共享') },
      },
    ]);
    expect(problem.errorCount).toBe(1);
    expect(problem.message.zh).toContain('未导入任何目录');
    expect(await mine('gongan.cataloguer')).toBe(before);
  });

  it('reports every kind of error with its place, and rule problems of drafts only as warnings', async () => {
    const template = await download(s['hunnan.jy.cataloguer'], '/api/catalog/xlsx/template');
    const wb = await load(template.rawPayload);
    const entries = sheet(wb, '目录');
    const items = sheet(wb, '信息项');
    const base = [
      '学校名录',
      '中小学校名录。',
      '部门',
      null,
      '部门',
      '教育',
      null,
      null,
      '数据库',
      '无条件共享',
    ];
    const tail = [null, '共享平台（接口）', null, '无条件开放', null, null, '每年'];
    entries.addRow([...base, ...tail]); // row 2: fine
    entries.addRow([
      '学校名录', // row 3: duplicate name
      null, // missing abstract
      '部门',
      null,
      '部门',
      null,
      null,
      null,
      '数据库',
      '有条件共享',
      null,
      '共享平台（接口）',
      '《中华人民共和国不存在法》第一条',
      '无条件开放',
      null,
      null,
      '每年',
      null,
      null,
      null,
      null,
      null,
      null,
      'not-an-email',
    ]);
    entries.addRow([
      '校车线路信息', // row 4: imports as a draft but cannot be submitted yet
      '校车运行线路。',
      '基础',
      null,
      '基础',
      null,
      null,
      null,
      '数据库',
      '有条件共享',
      null,
      '共享平台（数据库）',
      null,
      '无条件开放',
      null,
      null,
      '每日',
    ]);
    items.addRow(['学校名录', 'SchoolName', '学校名称', '字符串', 100, '是', 1, null]); // row 2: not snake_case
    items.addRow(['不存在的资源', 'school_id', '学校标识', '字符串', 0, '也许', 5, null]); // row 3
    // row 4; 身份证号码 is read as 公民身份号码 (id_number)
    items.addRow(['校车线路信息', 'driver_id', '驾驶员身份证号码', '身份证号码', 18, '是', 4, null]);

    const res = await upload(s['hunnan.jy.cataloguer'], await save(wb));
    expect(res.statusCode, res.body).toBe(400);
    const { errors, warnings } = res.json() as { errors: Issue[]; warnings: Issue[] };
    const at = (list: Issue[]) => list.map((e) => `${e.sheet}!${e.column ?? ''}${e.row ?? ''}`);
    expect(at(errors)).toEqual([
      '目录!A3', // duplicate name
      '目录!B3', // abstract required
      '目录!M3', // unknown legal basis
      '目录!X3', // e-mail
      '信息项!B2', // SchoolName
      '信息项!A3', // unknown entry
      '信息项!E3', // length 0
      '信息项!F3', // 也许
      '信息项!G3', // sensitivity 5
    ]);
    expect(errors[0]?.message.zh).toContain('第 2 行');
    expect(errors[2]?.message.zh).toContain('《中华人民共和国不存在法》第一条');
    // Submission rules on a readable row are warnings: base kind, unconditional sharing of base data,
    // the basis and condition of conditional sharing, and sensitive items opened unconditionally.
    const row4 = warnings.filter((w) => w.sheet === '目录' && w.row === 4).map((w) => w.header);
    expect(row4).toEqual(
      expect.arrayContaining(['基础资源类别', '共享类型', '共享条件', '共享依据', '开放类型']),
    );

    // Without the wrong rows (blank rows are skipped), the same file imports, with the warnings.
    const blank = (row: ExcelJS.Row) => row.eachCell((c) => (c.value = null));
    blank(entries.getRow(3));
    blank(items.getRow(2));
    blank(items.getRow(3));
    const ok = await upload(s['hunnan.jy.cataloguer'], await save(wb));
    expect(ok.statusCode, ok.body).toBe(201);
    const result = ok.json() as { items: { name: string; row: number }[]; warnings: Issue[] };
    expect(result.items).toEqual([
      expect.objectContaining({ name: '学校名录', row: 2 }),
      expect.objectContaining({ name: '校车线路信息', row: 4 }),
    ]);
    expect(at(result.warnings)).toEqual([
      '目录!2', // a database without data items
      '目录!D4',
      '目录!J4',
      '目录!K4',
      '目录!M4',
      '目录!N4',
    ]);
    expect(result.warnings[0]?.message.zh).toContain('提交审核前须补正');
  });
});

describe('bad files', () => {
  it('refuses an empty body, a text file, an old .xls, a zip that is no workbook, a workbook without 目录, and a non-xlsx content type', async () => {
    const who = s['gongan.cataloguer'];
    const before = await mine('gongan.cataloguer');
    const empty = await upload(who, Buffer.alloc(0));
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.json().code).toBe('xlsx_empty');

    const text = await upload(who, Buffer.from('资源名称,资源摘要\n人口,人口信息\n'));
    expect(text.statusCode).toBe(400);
    expect(text.json().code).toBe('xlsx_unreadable');
    expect(text.json().message.zh).toContain('.xlsx');

    const xls = Buffer.alloc(512);
    xls.writeUInt32BE(0xd0cf11e0, 0);
    xls.writeUInt32BE(0xa1b11ae1, 4);
    const old = await upload(who, xls);
    expect(old.statusCode).toBe(400);
    expect(old.json().message.zh).toContain('.xls');

    const notWorkbook = await upload(who, zip([deflated('readme.txt', Buffer.from('hello'))]));
    expect(notWorkbook.statusCode).toBe(400);
    expect(notWorkbook.json().code).toBe('xlsx_unreadable');

    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1').addRow(['资源名称', '资源摘要']);
    const noSheet = await upload(who, await save(other));
    expect(noSheet.statusCode).toBe(400);
    expect(noSheet.json().code).toBe('xlsx_invalid');
    expect(noSheet.json().errors[0]).toMatchObject({ sheet: '目录', row: null, column: null });

    const truncated = (await download(who, '/api/catalog/xlsx/template')).rawPayload.subarray(0, 3000);
    const cut = await upload(who, truncated);
    expect(cut.statusCode).toBe(400);
    expect(cut.json().code).toBe('xlsx_unreadable');

    const json = await who?.request('POST', '/api/catalog/xlsx/import', { rows: [] });
    expect(json?.statusCode).toBe(415);
    const form = await upload(who, Buffer.from('--x\r\n\r\n--x--'), 'multipart/form-data; boundary=x');
    expect(form.statusCode).toBe(415);
    expect(form.json().message.zh).toContain('multipart');
    expect(await mine('gongan.cataloguer')).toBe(before);
  });

  it('does not inflate a zip bomb, whether it declares its size or lies about it', async () => {
    const bomb = zerosDeflated(1024); // 1 GiB of zeros in about 1 MiB
    const sheetPart = (size: number): ZipPart => ({
      name: 'xl/worksheets/sheet1.xml',
      method: 8,
      data: bomb,
      size,
      crc: 0,
    });
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const honest = await upload(
      s['gongan.cataloguer'],
      zip([...MINIMAL_PARTS, sheetPart(1024 * 1024 * 1024)]),
    );
    expect(honest.statusCode, honest.body).toBe(400);
    expect(honest.json().code).toBe('xlsx_too_large');
    const liar = await upload(s['gongan.cataloguer'], zip([...MINIMAL_PARTS, sheetPart(4096)]));
    expect(liar.statusCode, liar.body).toBe(400);
    expect(liar.json().code).toBe('xlsx_unreadable');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 1024 * 1024);
  });

  it('reads a small file whose merged cells, data validations and names span whole sheets, without expanding them', async () => {
    const template = await download(s['gongan.cataloguer'], '/api/catalog/xlsx/template');
    const wb = await load(template.rawPayload);
    sheet(wb, '目录').addRow([
      '道路交通事故信息',
      '道路交通事故的发生时间、地点和处理结果。',
      '部门',
      null,
      '部门',
      '交通',
      null,
      null,
      '电子文件',
      '无条件共享',
      null,
      '其他方式',
      null,
      '无条件开放',
      null,
      null,
      '每月',
    ]);
    const parts = unzip(await save(wb));
    const hostile = new Map(parts);
    const sheet1 = parts.get('xl/worksheets/sheet1.xml')?.toString('utf8') ?? '';
    hostile.set(
      'xl/worksheets/sheet1.xml',
      Buffer.from(
        sheet1
          .replace(/<dataValidations[\s\S]*?<\/dataValidations>/, '')
          .replace(
            '</sheetData>',
            '</sheetData><mergeCells count="1"><mergeCell ref="A100:XFD1048576"/></mergeCells>' +
              '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A2:XFD1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations>',
          ),
      ),
    );
    const workbookXml = parts.get('xl/workbook.xml')?.toString('utf8') ?? '';
    hostile.set(
      'xl/workbook.xml',
      Buffer.from(
        workbookXml
          .replace(/<definedNames>[\s\S]*?<\/definedNames>/, '')
          .replace(
            '</sheets>',
            '</sheets><definedNames><definedName name="everything">\'目录\'!$A$1:$XFD$1048576</definedName></definedNames>',
          ),
      ),
    );
    const file = zip([...hostile].map(([name, data]) => deflated(name, data)));
    expect(file.length).toBeLessThan(200_000);
    const started = Date.now();
    const res = await upload(s['gongan.cataloguer'], file);
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as { items: { name: string }[] }).items.map((i) => i.name)).toEqual([
      '道路交通事故信息',
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('who may', () => {
  it('refuses the public and roles other than cataloguers; any staff may export', async () => {
    const file = (await download(s['scjg.cataloguer'], '/api/catalog/xlsx/template')).rawPayload;
    for (const url of ['/api/catalog/xlsx/template', '/api/catalog/xlsx/export']) {
      expect((await download(undefined, url)).statusCode).toBe(401);
      expect((await download(s.citizen, url)).statusCode).toBe(403);
    }
    expect((await upload(undefined, file)).statusCode).toBe(401);
    expect((await upload(s.citizen, file)).statusCode).toBe(403);
    expect((await download(s['gongan.user'], '/api/catalog/xlsx/template')).statusCode).toBe(403);
    expect((await upload(s['gongan.user'], file)).statusCode).toBe(403);
    expect((await upload(s.reviewer, file)).statusCode).toBe(403);
    expect((await download(s['gongan.user'], '/api/catalog/xlsx/export')).statusCode).toBe(200);
    expect((await download(s.reviewer, '/api/catalog/xlsx/export')).statusCode).toBe(200);
  });
});
