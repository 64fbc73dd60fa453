import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, orgIdByName, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { publishAnnualReports } from '../../../../test/provision.ts';
import {
  TUS,
  authHeaders,
  tusCreate,
  tusHead,
  tusPatch,
  tusUpload,
  uploadIdOf,
  type Caller,
} from '../../../../test/uploads.ts';
import { creditCodeCheckCharacter, organisationCodeCheckCharacter } from '../../../shared/identifiers.ts';
import { UPLOAD_EXPIRY_JOB } from './uploads.jobs.ts';

const LIMIT = 512 * 1024;
let t: TestApp;
let dataDir = '';
const s: Record<string, Session> = {};
let entryId = '';
let systemToken = '';

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}

function code(n: number): string | null {
  const org8 = `MA${String(n).padStart(6, '0')}`;
  const check = organisationCodeCheckCharacter(org8);
  if (check === null) return null;
  const first17 = `91210100${org8}${check}`;
  const last = creditCodeCheckCharacter(first17);
  return last === null ? null : `${first17}${last}`;
}

/** A GBK CSV of `rows` valid companies under the given header. */
function companies(rows: number, header = '统一社会信用代码,企业名称,年报年度'): Buffer {
  const lines = [header];
  for (let n = 1; lines.length <= rows; n++) {
    const c = code(n);
    if (c) lines.push(`${c},沈阳第${n}号贸易有限公司,2025`);
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
}

const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');
const entryUrl = () => `/api/provision/entries/${entryId}`;

function post(caller: Caller, url: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...authHeaders(caller), ...headers },
    payload: body as object,
  });
}
function get(caller: Caller, url: string) {
  return t.app.inject({ method: 'GET', url, headers: authHeaders(caller) });
}
const meta = (fileName: string, extra: Record<string, string> = {}) => ({
  entryId,
  filename: fileName,
  ...extra,
});

beforeAll(async () => {
  dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'huitong-uploads-'));
  t = await buildTestApp({ uploadLimit: LIMIT, dataDir });
  for (const u of ['scjg.cataloguer', 'scjg.provider', 'scjg.user', 'reviewer', 'gongan.provider', 'admin'])
    s[u] = await signIn(t.app, u);
  const issued = await as('admin').request('POST', '/api/credentials', {
    orgId: await orgIdByName(t.app, '沈阳市市场监督管理局'),
    name: 'scjg-uploader',
    roles: ['provider'],
  });
  expect(issued.statusCode).toBe(201);
  systemToken = (issued.json() as { token: string }).token;
  entryId = (await publishAnnualReports(as('scjg.cataloguer'), as('reviewer'))).id;
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
});

interface Outcome {
  versionId: string;
  versionNo: number;
  state: string;
  rowCount: number;
  report: { problems: unknown[] } | null;
}

async function rowsOf(versionNo: number) {
  const res = await as('scjg.provider').request(
    'GET',
    `${entryUrl()}/rows?version=${versionNo}&pageSize=1000`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { rows: { values: Record<string, string | null> }[] }).rows.map((r) => r.values);
}

async function versionOf(versionId: string) {
  const res = await as('scjg.provider').request('GET', `${entryUrl()}/versions`);
  const v = (
    res.json() as { items: { id: string; sm3: string; byteCount: number; fileName: string }[] }
  ).items.find((i) => i.id === versionId);
  if (!v) throw new Error('no such version');
  return v;
}

describe('resumable (tus) upload of a data file', () => {
  /** Waits (up to 20 s) until the upload's file on disk holds more than `than` bytes. */
  async function storedBytes(id: string, than: number): Promise<number> {
    const { rows } = await sql<{
      file_path: string;
    }>`select file_path from upload_sessions where id = ${id}`.execute(t.app.db);
    const file = rows[0]?.file_path ?? '';
    for (let i = 0; i < 200; i++) {
      const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
      if (size > than) return size;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the server stored no more than ${than} bytes of ${file}`);
  }

  it('resumes an interrupted upload from the server offset and ingests what a one-shot upload does', async () => {
    const provider = as('scjg.provider');
    const bytes = companies(2500);
    expect(bytes.length).toBeGreaterThan(100_000);
    const name = '2025年企业年报（第一批）.csv';
    const id = uploadIdOf(await tusCreate(t.app, provider, meta(name, { format: 'csv' }), bytes.length));

    // First chunk in full.
    const first = 40_000;
    const p1 = await tusPatch(t.app, provider, id, 0, bytes.subarray(0, first));
    expect(p1.statusCode, p1.body).toBe(204);
    expect(p1.headers['upload-offset']).toBe(String(first));

    // The second chunk breaks off: the connection is cut after part of it was sent.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const sent = 50_000;
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: `/api/provision/uploads/${id}`,
        method: 'PATCH',
        headers: {
          ...authHeaders(provider),
          ...TUS,
          'upload-offset': String(first),
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length - first),
        },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(bytes.subarray(first, first + sent), () => {
        // Cut the connection once the server has stored part of the chunk (however busy it is).
        void storedBytes(id, first).then(() => {
          req.destroy();
          resolve();
        });
      });
    });

    // HEAD tells where to go on; what arrived is kept (poll until the broken request is wound up).
    let offset = -1;
    for (let i = 0; i < 50; i++) {
      const head = await tusHead(t.app, provider, id);
      expect(head.statusCode, head.body).toBe(200);
      const now = Number(head.headers['upload-offset']);
      if (now === offset && now > first) break;
      offset = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBeGreaterThan(first);
    expect(offset).toBeLessThanOrEqual(first + sent);
    expect(offset).toBeLessThan(bytes.length);

    // A PATCH from the wrong offset is refused and changes nothing.
    const wrong = await tusPatch(t.app, provider, id, 0, bytes.subarray(0, 10));
    expect(wrong.statusCode).toBe(409);
    expect(wrong.headers['content-type']).toContain('application/problem+json');

    for (let at = offset; at < bytes.length; at += 64 * 1024) {
      const res = await tusPatch(t.app, provider, id, at, bytes.subarray(at, at + 64 * 1024));
      expect(res.statusCode, res.body).toBe(204);
    }
    const done = await tusHead(t.app, provider, id);
    expect(done.headers['upload-offset']).toBe(String(bytes.length));
    expect(done.headers['upload-length']).toBe(String(bytes.length));

    const resumed = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, {});
    expect(resumed.statusCode, resumed.body).toBe(201);
    const a = resumed.json() as Outcome;
    expect(a).toMatchObject({ state: 'ready', rowCount: 2500 });
    // The server holds exactly the file: no byte twice, none missing.
    const va = await versionOf(a.versionId);
    expect(va).toMatchObject({ sm3: sm3(bytes), byteCount: bytes.length, fileName: name });
    // A published upload is used up.
    expect((await tusHead(t.app, provider, id)).statusCode).toBe(404);
    expect(fs.existsSync(path.join(dataDir, 'uploads', id))).toBe(false);

    const oneShot = await t.app.inject({
      method: 'POST',
      url: `${entryUrl()}/upload?format=csv&fileName=${encodeURIComponent(name)}`,
      headers: { ...authHeaders(provider), 'content-type': 'text/csv' },
      payload: bytes,
    });
    expect(oneShot.statusCode, oneShot.body).toBe(201);
    // The same file sent in one request has exactly the resumed upload's rows: it is recorded as
    // unchanged against that version (issue 12), with the same size and SM3.
    const b = oneShot.json() as Outcome & { sameAs?: { versionNo: number } };
    expect(b).toMatchObject({ state: 'unchanged', rowCount: a.rowCount, sameAs: { versionNo: a.versionNo } });
    expect(await versionOf(b.versionId)).toMatchObject({ sm3: va.sm3, byteCount: va.byteCount });
    expect(await rowsOf(a.versionNo)).toHaveLength(1000);
  }, 60_000);

  it('refuses an upload larger than the limit when it is declared, with nothing stored', async () => {
    const res = await tusCreate(t.app, as('scjg.provider'), meta('大文件.csv'), LIMIT + 1);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'upload_too_large',
      message: { zh: expect.stringContaining('上传上限') },
    });
    const rows = await t.app.db
      .withTables<{ upload_sessions: { id: string; file_name: string } }>()
      .selectFrom('upload_sessions')
      .select('id')
      .where('file_name', '=', '大文件.csv')
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses file names with path parts, controls, quotes or a right-to-left override, by every way in, storing nothing', async () => {
    const provider = as('scjg.provider');
    const count = async (table: 'upload_sessions' | 'data_versions') =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.app.db)).rows[0]
          ?.n,
      );
    const before = [await count('upload_sessions'), await count('data_versions')];
    const hostile = [
      '../../etc/passwd',
      'C:\\fakepath\\年报.csv',
      'a\r\nSet-Cookie: x=1.csv',
      'say "hi".csv',
      'del\u007f.csv',
      'report\u202efdp.exe',
      '\u2066isolate.csv',
      'x'.repeat(252) + '.csv',
      '..',
    ];
    for (const name of hostile) {
      const oneShot = await t.app.inject({
        method: 'POST',
        url: `${entryUrl()}/upload?format=csv&fileName=${encodeURIComponent(name)}`,
        headers: { ...authHeaders(provider), 'content-type': 'text/csv' },
        payload: companies(2),
      });
      expect(oneShot.statusCode, `${JSON.stringify(name)}: ${oneShot.body}`).toBe(400);
      const fields = (oneShot.json() as { fields: { field: string }[] }).fields.map((f) => f.field);
      expect(new Set(fields), oneShot.body).toEqual(new Set(['fileName']));
      const resumable = await tusCreate(t.app, provider, meta(name), 100);
      expect(resumable.statusCode, `${JSON.stringify(name)}: ${resumable.body}`).toBe(400);
      expect(resumable.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(resumable.json().fields).toEqual([expect.objectContaining({ field: 'fileName' })]);
    }
    expect([await count('upload_sessions'), await count('data_versions')]).toEqual(before);
    // A Chinese name with spaces and brackets is a name like any other.
    const fine = await tusCreate(t.app, provider, meta('2025 年报（第一批）.csv'), 100);
    expect(fine.statusCode, fine.body).toBe(201);
  });

  it('refuses bad creations with a specific problem', async () => {
    const provider = as('scjg.provider');
    const noEntry = await tusCreate(t.app, provider, { filename: 'a.csv' }, 10);
    expect(noEntry.statusCode).toBe(400);
    expect(noEntry.json()).toMatchObject({
      code: 'upload_invalid',
      message: { en: expect.stringContaining('entryId') },
    });
    const noName = await tusCreate(t.app, provider, { entryId }, 10);
    expect(noName.statusCode).toBe(400);
    expect(noName.json().message.en).toContain('filename');
    const badFormat = await tusCreate(t.app, provider, meta('a.doc', { format: 'doc' }), 10);
    expect(badFormat.statusCode).toBe(400);
    const empty = await tusCreate(t.app, provider, meta('a.csv'), 0);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message.zh).toBe('文件为空');
    const unknownEntry = await tusCreate(
      t.app,
      provider,
      { entryId: '00000000-0000-4000-8000-000000000000', filename: 'a.csv' },
      10,
    );
    expect(unknownEntry.statusCode).toBe(404);
  });

  it('lets only the creator continue, inspect, use or delete an upload', async () => {
    const bytes = companies(3);
    const id = uploadIdOf(await tusCreate(t.app, as('scjg.provider'), meta('年报.csv'), bytes.length));
    const system: Caller = { token: systemToken };
    const others: [Caller, number][] = [
      [system, 403], // the same department's system, not the creator
      [as('scjg.user'), 403], // the same department, not a provider
      [as('gongan.provider'), 403], // another department's provider
      [null, 401],
    ];
    for (const [caller, status] of others) {
      expect((await tusHead(t.app, caller, id)).statusCode).toBe(status);
      const patch = await tusPatch(t.app, caller, id, 0, bytes);
      expect(patch.statusCode).toBe(status);
      expect(patch.headers['content-type']).toContain('application/problem+json');
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/provision/uploads/${id}`,
        headers: { ...authHeaders(caller), ...TUS },
      });
      expect(del.statusCode).toBe(status);
      expect((await get(caller, `${entryUrl()}/uploads/${id}/preview`)).statusCode).toBe(status);
      expect((await post(caller, `${entryUrl()}/uploads/${id}/ingest`, {})).statusCode).toBe(status);
    }
    // Another department's provider cannot even start an upload for this entry.
    const foreign = await tusCreate(t.app, as('gongan.provider'), meta('x.csv'), 10);
    expect(foreign.statusCode).toBe(403);
    // Nothing of it changed: the creator finds it at offset 0, completes it, and may delete it.
    const head = await tusHead(t.app, as('scjg.provider'), id);
    expect(head.headers['upload-offset']).toBe('0');
    const early = await post(as('scjg.provider'), `${entryUrl()}/uploads/${id}/ingest`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('upload_incomplete');
    expect((await tusPatch(t.app, as('scjg.provider'), id, 0, bytes)).statusCode).toBe(204);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/provision/uploads/${id}`,
      headers: { ...authHeaders(as('scjg.provider')), ...TUS },
    });
    expect(del.statusCode).toBe(204);
    expect((await tusHead(t.app, as('scjg.provider'), id)).statusCode).toBe(404);
    expect(fs.existsSync(path.join(dataDir, 'uploads', id))).toBe(false);
  });

  it('previews a GBK CSV with Chinese headers: encoding, header, rows and the automatic mapping', async () => {
    const bytes = companies(30, '统一社会信用代码,企业名称,备注');
    const id = await tusUpload(t.app, as('scjg.provider'), meta('年报名单.csv'), bytes);
    const res = await get(as('scjg.provider'), `${entryUrl()}/uploads/${id}/preview`);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({
      fileName: '年报名单.csv',
      format: 'csv',
      encoding: 'gb18030',
      delimiter: ',',
      headers: ['统一社会信用代码', '企业名称', '备注'],
      sheets: [],
      mapping: {
        matches: [
          { item: 'credit_code', header: '统一社会信用代码', required: true },
          { item: 'name', header: '企业名称' },
          { item: 'report_year', header: null, required: false },
        ],
        unmatchedHeaders: ['备注'],
        missingRequired: [],
      },
    });
    expect(p.rows).toHaveLength(20);
    expect(p.rows[0].values[1]).toBe('沈阳第1号贸易有限公司');
  });

  it('previews an XLSX with Chinese headers, listing its sheets, and reads the chosen one', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('填报说明').addRows([['说明'], ['本表按年度填报']]);
    const sheet = wb.addWorksheet('企业名单');
    sheet.addRow(['信用代码', '单位名称', '年报年度']);
    for (let n = 1, rows = 0; rows < 5; n++) {
      const c = code(n);
      if (c) {
        sheet.addRow([c, `沈阳第${n}号贸易有限公司`, 2025]);
        rows++;
      }
    }
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const id = await tusUpload(t.app, as('scjg.provider'), meta('企业名单.xlsx'), bytes);
    const first = await get(as('scjg.provider'), `${entryUrl()}/uploads/${id}/preview`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      format: 'xlsx',
      sheet: '填报说明',
      sheets: ['填报说明', '企业名单'],
    });
    const chosen = await get(
      as('scjg.provider'),
      `${entryUrl()}/uploads/${id}/preview?sheet=${encodeURIComponent('企业名单')}`,
    );
    expect(chosen.statusCode, chosen.body).toBe(200);
    const p = chosen.json();
    expect(p.headers).toEqual(['信用代码', '单位名称', '年报年度']);
    expect(p.rows).toHaveLength(5);
    expect(p.rows[0].values[2]).toBe('2025');
    expect(p.mapping.missingRequired).toEqual(['credit_code', 'name']);
    expect(p.mapping.unmatchedHeaders).toEqual(['信用代码', '单位名称']);
    // Ingested from that sheet with a mapping, without uploading again.
    const res = await post(as('scjg.provider'), `${entryUrl()}/uploads/${id}/ingest`, {
      sheet: '企业名单',
      mapping: { 信用代码: 'credit_code', 单位名称: 'name' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'ready', rowCount: 5 });
  });

  it('refuses unmatched columns, keeps the upload, then takes it with a mapping', async () => {
    const provider = as('scjg.provider');
    const bytes = companies(12, '信用代码,单位名称,年度');
    const id = await tusUpload(t.app, provider, meta('映射测试.csv', { encoding: 'gbk' }), bytes);
    const before = await provider.request('GET', `${entryUrl()}/versions`);
    const refused = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().message.zh).toContain('统一社会信用代码');
    expect((await provider.request('GET', `${entryUrl()}/versions`)).body).toBe(before.body);
    // A mapping to an item the entry does not have is refused too.
    const unknown = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, {
      mapping: { 信用代码: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message.en).toContain('nope');
    // The upload is still there.
    expect((await tusHead(t.app, provider, id)).headers['upload-offset']).toBe(String(bytes.length));
    const ok = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, {
      mapping: { 信用代码: 'credit_code', 单位名称: 'name', 年度: 'report_year' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const outcome = ok.json() as Outcome;
    expect(outcome).toMatchObject({ state: 'ready', rowCount: 12 });
    const rows = await rowsOf(outcome.versionNo);
    expect(rows[0]).toMatchObject({ name: '沈阳第1号贸易有限公司', report_year: '2025' });
  });

  it('answers 422 with the report for invalid rows, and the upload can be tried again with another policy', async () => {
    const provider = as('scjg.provider');
    const good = code(1) ?? '';
    const text = `统一社会信用代码,企业名称\r\n${good},甲公司\r\n${good.slice(0, 17)}0,乙公司\r\n`;
    const id = await tusUpload(t.app, provider, meta('有错.csv'), Buffer.from(text));
    const refused = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ state: 'failed', report: { invalidRows: 1 } });
    const excluded = await post(provider, `${entryUrl()}/uploads/${id}/ingest`, { errorPolicy: 'exclude' });
    expect(excluded.statusCode, excluded.body).toBe(201);
    expect(excluded.json()).toMatchObject({ state: 'ready', rowCount: 1, excludedRowCount: 1 });
    // The entry's own policy is unchanged.
    expect((await provider.request('GET', `${entryUrl()}/settings`)).json().errorPolicy).toBe('reject');
  });

  it('streams row progress as NDJSON when asked, then the result', async () => {
    const provider = as('scjg.provider');
    const bytes = companies(2600);
    const id = await tusUpload(t.app, provider, meta('进度.csv'), bytes);
    const res = await post(
      provider,
      `${entryUrl()}/uploads/${id}/ingest`,
      {},
      { accept: 'application/x-ndjson' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            rows?: number;
            totalBytes?: number;
            status?: number;
            outcome?: Outcome;
          },
      );
    const progress = lines.filter((l) => l.type === 'progress').map((l) => l.rows);
    expect(progress).toEqual([0, 1000, 2000, 2600]);
    expect(lines.every((l) => l.type !== 'progress' || l.totalBytes === bytes.length)).toBe(true);
    const last = lines.at(-1);
    expect(last).toMatchObject({ type: 'result', status: 201, outcome: { state: 'ready', rowCount: 2600 } });
    // An error comes as a problem line.
    const bad = await tusUpload(t.app, provider, meta('坏.csv'), Buffer.from('a,b\r\n1\r\n'));
    const err = await post(
      provider,
      `${entryUrl()}/uploads/${bad}/ingest`,
      {},
      { accept: 'application/x-ndjson' },
    );
    const errLines = err.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: number; problem?: { code: string } });
    expect(errLines.at(-1)).toMatchObject({
      type: 'error',
      status: 400,
      problem: { code: 'csv_field_count' },
    });
  });

  it('removes a stale upload with its file by the expiry job', async () => {
    const provider = as('scjg.provider');
    const bytes = companies(3);
    const id = uploadIdOf(await tusCreate(t.app, provider, meta('放弃.csv'), bytes.length));
    expect((await tusPatch(t.app, provider, id, 0, bytes.subarray(0, 50))).statusCode).toBe(204);
    const fresh = await tusUpload(t.app, provider, meta('新的.csv'), bytes);
    const file = path.join(dataDir, 'uploads', id);
    expect(fs.existsSync(file)).toBe(true);
    const sessions = t.app.db.withTables<{ upload_sessions: { id: string; expires_at: Date } }>();
    await sessions
      .updateTable('upload_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    // Expired: refused before the job has run.
    expect((await tusHead(t.app, provider, id)).statusCode).toBe(410);
    const result = (await t.app.jobs.runNow(UPLOAD_EXPIRY_JOB, {})) as { uploads: number };
    expect(result.uploads).toBe(1);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.json`)).toBe(false);
    expect((await tusHead(t.app, provider, id)).statusCode).toBe(404);
    // The fresh one is untouched.
    expect((await tusHead(t.app, provider, fresh)).headers['upload-offset']).toBe(String(bytes.length));
  });
});
