import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type Session, type TestApp } from '../../../../test/app.ts';
import { metadata, publishEntry } from '../../../../test/catalog.ts';
import {
  authHeaders,
  tusCreate,
  tusHead,
  tusPatch,
  tusUpload,
  uploadIdOf,
  type Caller,
} from '../../../../test/uploads.ts';
import { DEMO_FILES } from '../../../demo/datasets.ts';
import { demoPath } from '../../../demo/read.ts';
import { contentDisposition } from '../../../shared/download.ts';
import { mediaTypeOf } from './files.ts';

let t: TestApp;
let dataDir = '';
const s: Record<string, Session> = {};
let fileEntry = '';
let tableEntry = '';
let pdf: Buffer = Buffer.alloc(0);
let png: Buffer = Buffer.alloc(0);
const PDF_NAME = '2025年沈阳市国民经济和社会发展统计公报.pdf';
const PNG_NAME = '天气雷达 组合反射率（14时06分）.png';

function as(username: string): Session {
  const session = s[username];
  if (!session) throw new Error(`${username} is not signed in`);
  return session;
}
const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');
const get = (caller: Caller, url: string) =>
  t.app.inject({ method: 'GET', url, headers: authHeaders(caller) });
const post = (caller: Caller, url: string, body: unknown) =>
  t.app.inject({ method: 'POST', url, headers: authHeaders(caller), payload: body as object });

/** The file name a browser takes from Content-Disposition: filename* when present (RFC 6266). */
function dispositionName(header: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (star) return decodeURIComponent(star);
  return /filename="([^"]*)"/.exec(header)?.[1] ?? '';
}

interface FilesOutcome {
  versionId: string;
  versionNo: number;
  files: { position: number; fileName: string; mediaType: string; byteCount: number; sm3: string }[];
}

beforeAll(async () => {
  dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'huitong-files-'));
  t = await buildTestApp({ dataDir });
  for (const u of ['scjg.cataloguer', 'scjg.provider', 'reviewer', 'gongan.provider', 'auditor'])
    s[u] = await signIn(t.app, u);
  fileEntry = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '市场监管公告文件', format: 'file' }),
    )
  ).id;
  tableEntry = (
    await publishEntry(
      as('scjg.cataloguer'),
      as('reviewer'),
      metadata({ name: '市场监管许可数据', format: 'database' }),
    )
  ).id;
  const [bulletin, radar] = DEMO_FILES;
  if (!bulletin || !radar) throw new Error('no demo files');
  pdf = await fs.promises.readFile(demoPath(bulletin.file));
  png = await fs.promises.readFile(demoPath(radar.file));
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
});

describe('file resources', () => {
  it('knows media types from the content, falling back to the extension', () => {
    expect(mediaTypeOf(pdf, 'x.bin')).toBe('application/pdf');
    expect(mediaTypeOf(png, '无扩展名')).toBe('image/png');
    expect(mediaTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'a')).toBe('image/jpeg');
    expect(mediaTypeOf(Buffer.from('GIF89a...'), 'a')).toBe('image/gif');
    expect(mediaTypeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'a')).toBe('image/webp');
    expect(mediaTypeOf(Buffer.from('ID3\x04\0'), 'a')).toBe('audio/mpeg');
    expect(mediaTypeOf(Buffer.from('\0\0\0\x18ftypmp42'), 'a')).toBe('video/mp4');
    expect(mediaTypeOf(Buffer.from('PK\x03\x04....word/document.xml'), '通知.docx')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(mediaTypeOf(Buffer.from('PK\x03\x04....'), 'a.zip')).toBe('application/zip');
    expect(mediaTypeOf(Buffer.from('plain words'), '说明.txt')).toBe('text/plain');
    expect(mediaTypeOf(Buffer.from('plain words'), 'unknown')).toBe('application/octet-stream');
    // A PNG named .pdf is a PNG.
    expect(mediaTypeOf(png, 'fake.pdf')).toBe('image/png');
  });

  it('builds a Content-Disposition whose filename* decodes to the exact name', () => {
    const h = contentDisposition(PNG_NAME);
    expect(h).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(dispositionName(h)).toBe(PNG_NAME);
    expect(contentDisposition('a"b\\c.txt')).toContain('filename="a_b_c.txt"');
  });

  it('makes uploaded files (a PDF and a PNG with Chinese names) a new current version; downloads give the same bytes, SM3 and name', async () => {
    const provider = as('scjg.provider');
    const a = await tusUpload(t.app, provider, { entryId: fileEntry, filename: PDF_NAME }, pdf, 100_000);
    const b = await tusUpload(t.app, provider, { entryId: fileEntry, filename: PNG_NAME }, png);
    const res = await post(provider, `/api/provision/entries/${fileEntry}/files`, { uploads: [a, b] });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as FilesOutcome;
    expect(v.files).toEqual([
      { position: 1, fileName: PDF_NAME, mediaType: 'application/pdf', byteCount: pdf.length, sm3: sm3(pdf) },
      { position: 2, fileName: PNG_NAME, mediaType: 'image/png', byteCount: png.length, sm3: sm3(png) },
    ]);
    // The uploads are used up.
    expect((await tusHead(t.app, provider, a)).statusCode).toBe(404);

    const versions = (await provider.request('GET', `/api/provision/entries/${fileEntry}/versions`)).json();
    expect(versions.items[0]).toMatchObject({
      id: v.versionId,
      current: true,
      state: 'ready',
      kind: 'files',
      rowCount: 2,
      byteCount: pdf.length + png.length,
    });

    // The supervising authority's reviewer sees the list (the state of the data), not the files.
    const list = await get(
      as('reviewer'),
      `/api/provision/entries/${fileEntry}/versions/${v.versionId}/files`,
    );
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().files).toEqual(v.files);

    for (const [position, bytes, name, type] of [
      [1, pdf, PDF_NAME, 'application/pdf'],
      [2, png, PNG_NAME, 'image/png'],
    ] as const) {
      const dl = await get(
        provider,
        `/api/provision/entries/${fileEntry}/versions/${v.versionId}/files/${position}`,
      );
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe(type);
      expect(dl.rawPayload.equals(bytes)).toBe(true);
      expect(dl.headers['x-content-sm3']).toBe(sm3(dl.rawPayload));
      expect(dispositionName(String(dl.headers['content-disposition']))).toBe(name);
    }
  });

  it('refuses other departments, other roles and anonymous callers', async () => {
    const provider = as('scjg.provider');
    const id = await tusUpload(
      t.app,
      provider,
      { entryId: fileEntry, filename: '说明.txt' },
      Buffer.from('说明文字'),
    );
    const stolen = await post(as('gongan.provider'), `/api/provision/entries/${fileEntry}/files`, {
      uploads: [id],
    });
    expect(stolen.statusCode).toBe(403);
    const created = await post(provider, `/api/provision/entries/${fileEntry}/files`, { uploads: [id] });
    expect(created.statusCode, created.body).toBe(201);
    const v = created.json() as FilesOutcome;
    const url = `/api/provision/entries/${fileEntry}/versions/${v.versionId}/files`;
    expect((await get(as('gongan.provider'), url)).statusCode).toBe(404);
    expect((await get(as('gongan.provider'), `${url}/1`)).statusCode).toBe(404);
    expect((await get(null, `${url}/1`)).statusCode).toBe(401);
    expect((await get(provider, `${url}/2`)).statusCode).toBe(404);
    // A file cannot be masked: the authority's reviewer lists it but does not download it; the
    // auditor (audit trail only) does neither, nor does the department's cataloguer download it.
    expect((await get(as('reviewer'), url)).statusCode).toBe(200);
    expect((await get(as('reviewer'), `${url}/1`)).statusCode).toBe(403);
    expect((await get(as('auditor'), url)).statusCode).toBe(403);
    expect((await get(as('scjg.cataloguer'), `${url}/1`)).statusCode).toBe(403);
  });

  it('restores an earlier files version as a new current version with the same files', async () => {
    const provider = as('scjg.provider');
    const versions = (await provider.request('GET', `/api/provision/entries/${fileEntry}/versions`)).json()
      .items as { id: string; versionNo: number }[];
    const first = versions.find((x) => x.versionNo === 1);
    if (!first) throw new Error('no version 1');
    const res = await provider.request(
      'POST',
      `/api/provision/entries/${fileEntry}/versions/${first.id}/restore`,
    );
    expect(res.statusCode, res.body).toBe(201);
    const restored = res.json() as { versionId: string; versionNo: number; state: string };
    expect(restored.state).toBe('ready');
    const now = (await provider.request('GET', `/api/provision/entries/${fileEntry}/versions`)).json()
      .items[0];
    expect(now).toMatchObject({ id: restored.versionId, current: true, kind: 'files', source: 'restore' });
    const files = (
      await get(provider, `/api/provision/entries/${fileEntry}/versions/${restored.versionId}/files`)
    ).json().files as FilesOutcome['files'];
    expect(files.map((f) => [f.fileName, f.sm3])).toEqual([
      [PDF_NAME, sm3(pdf)],
      [PNG_NAME, sm3(png)],
    ]);
    const dl = await get(
      provider,
      `/api/provision/entries/${fileEntry}/versions/${restored.versionId}/files/1`,
    );
    expect(dl.rawPayload.equals(pdf)).toBe(true);
  });

  it('changes nothing when a files version cannot be made, and keeps the uploads', async () => {
    const provider = as('scjg.provider');
    const before = (await provider.request('GET', `/api/provision/entries/${fileEntry}/versions`)).body;
    const complete = await tusUpload(t.app, provider, { entryId: fileEntry, filename: '完整.png' }, png);
    const partial = uploadIdOf(
      await tusCreate(t.app, provider, { entryId: fileEntry, filename: '一半.pdf' }, pdf.length),
    );
    expect((await tusPatch(t.app, provider, partial, 0, pdf.subarray(0, 1000))).statusCode).toBe(204);
    const res = await post(provider, `/api/provision/entries/${fileEntry}/files`, {
      uploads: [complete, partial],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'upload_incomplete',
      message: { zh: expect.stringContaining('一半.pdf') },
    });
    expect((await provider.request('GET', `/api/provision/entries/${fileEntry}/versions`)).body).toBe(before);
    expect((await tusHead(t.app, provider, complete)).headers['upload-offset']).toBe(String(png.length));
    expect((await tusHead(t.app, provider, partial)).headers['upload-offset']).toBe('1000');
    // Data files of a structured entry are not files versions, and the other way round.
    const onTable = await tusUpload(t.app, provider, { entryId: tableEntry, filename: '图.png' }, png);
    const wrong = await post(provider, `/api/provision/entries/${tableEntry}/files`, { uploads: [onTable] });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().code).toBe('entry_holds_table');
    const ingest = await post(provider, `/api/provision/entries/${fileEntry}/uploads/${complete}/ingest`, {});
    expect(ingest.statusCode).toBe(409);
    expect(ingest.json().code).toBe('entry_holds_files');
    // An upload of one entry cannot be used for another.
    const crossed = await post(provider, `/api/provision/entries/${fileEntry}/files`, { uploads: [onTable] });
    expect(crossed.statusCode).toBe(404);
  });
});
