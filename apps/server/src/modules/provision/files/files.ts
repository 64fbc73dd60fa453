/**
 * File resources: the data of a catalog entry whose resource format is not structured (电子文件,
 * 图形图像, 流媒体) are files — documents, images, audio, video. Each upload of one or more files
 * makes a version of kind `files` that lists them with their name (as given, Chinese included),
 * media type (from the content), size and SM3 digest. The files are moved into permanent storage
 * under `<dataDir>/files/<version>/` before the transaction that makes the version current; if that
 * transaction fails they go back to their uploads, so nothing half-made is ever visible.
 */
import { MAX_FILES_PER_VERSION } from '@huitong/contract/provision';
import * as values from '@huitong/contract/values';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle, Db, Trx } from '../../../db/database.ts';
import { ConflictError, invalidField } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/principal.ts';
import { appendAudit } from '../../security/index.ts';
import { lockEntry, makeCurrent, nextVersionNo } from '../versions/versions.store.ts';
import {
  assertExporter,
  assertViewer,
  assertProvider,
  versionNotFound,
  type ProvisionEntry,
} from '../provision.service.ts';
import {
  claimSession,
  releaseSession,
  removeSession,
  type UploadSession,
} from '../uploads/upload-sessions.ts';
import * as repo from './files.repository.ts';

/** The catalog's structured resource formats: their data are tables (the contract's list). */
export const STRUCTURED_FORMATS: readonly string[] = values.STRUCTURED_FORMATS;

/** Whether the entry's data are files rather than a table. */
export const holdsFiles = (entry: Pick<ProvisionEntry, 'format'>) => values.isFileFormat(entry.format);

/** Files of one version, at most (the contract's limit). */
export { MAX_FILES_PER_VERSION };

// ---------------------------------------------------------------------------------------------
// Media type
// ---------------------------------------------------------------------------------------------

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  ofd: 'application/ofd',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  wps: 'application/vnd.ms-works',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  geojson: 'application/geo+json',
  xml: 'application/xml',
  html: 'text/html',
  md: 'text/markdown',
};

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const starts = (b: Buffer, sig: string | number[] | Buffer, at = 0) => {
  const s = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + s.length && b.subarray(at, at + s.length).equals(s);
};

/**
 * The media type of a file from its first bytes (PDF, PNG, JPEG, GIF, WebP, TIFF, BMP, MP3, WAV, OGG,
 * FLAC, MP4/MOV, WebM/MKV, AVI, Office documents old and new, zip), falling back to the extension
 * where the content says nothing more precise.
 */
export function mediaTypeOf(head: Buffer, fileName: string): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const byExt = BY_EXTENSION[ext];
  if (starts(head, '%PDF-')) return 'application/pdf';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, 'GIF87a') || starts(head, 'GIF89a')) return 'image/gif';
  if (starts(head, 'RIFF') && starts(head, 'WEBP', 8)) return 'image/webp';
  if (starts(head, 'RIFF') && starts(head, 'WAVE', 8)) return 'audio/wav';
  if (starts(head, 'RIFF') && starts(head, 'AVI ', 8)) return 'video/x-msvideo';
  if (starts(head, [0x49, 0x49, 0x2a, 0x00]) || starts(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (starts(head, 'BM') && head.length > 14 && (ext === 'bmp' || ext === '')) return 'image/bmp';
  if (starts(head, 'ID3') || (head.length > 1 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0))
    return 'audio/mpeg';
  if (starts(head, 'OggS')) return 'audio/ogg';
  if (starts(head, 'fLaC')) return 'audio/flac';
  if (starts(head, 'ftyp', 4)) {
    const brand = head.subarray(8, 12).toString('latin1');
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('M4A')) return 'audio/mp4';
    return 'video/mp4';
  }
  if (starts(head, [0x1a, 0x45, 0xdf, 0xa3])) return ext === 'mkv' ? 'video/x-matroska' : 'video/webm';
  if (starts(head, 'PK\x03\x04')) {
    if (ext === 'docx' || ext === 'xlsx' || ext === 'pptx' || ext === 'ofd')
      return byExt ?? 'application/zip';
    const text = head.toString('latin1');
    if (text.includes('word/')) return BY_EXTENSION.docx ?? 'application/zip';
    if (text.includes('xl/')) return BY_EXTENSION.xlsx ?? 'application/zip';
    if (text.includes('ppt/')) return BY_EXTENSION.pptx ?? 'application/zip';
    return 'application/zip';
  }
  if (starts(head, OLE)) {
    if (ext === 'doc' || ext === 'xls' || ext === 'ppt' || ext === 'wps')
      return byExt ?? 'application/x-ole-storage';
    return 'application/x-ole-storage';
  }
  return byExt ?? 'application/octet-stream';
}

/** SM3, size and media type of a file, reading it once. */
export async function describeFile(file: string, fileName: string) {
  const hash = createHash('sm3');
  let bytes = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file)) {
    const b = chunk as Buffer;
    if (head.length < 4096) head = Buffer.concat([head, b.subarray(0, 4096 - head.length)]);
    hash.update(b);
    bytes += b.length;
  }
  return { sm3: hash.digest('hex'), bytes, mediaType: mediaTypeOf(head, fileName) };
}

// ---------------------------------------------------------------------------------------------
// Versions of files
// ---------------------------------------------------------------------------------------------

export class EntryHoldsTable extends ConflictError {
  constructor() {
    super('entry_holds_table', {
      zh: '该目录是结构化数据，须以数据文件（CSV、XLSX、JSON 等）入库，不能作为文件版本提交',
      en: 'This entry holds structured data: ingest a data file (CSV, XLSX, JSON, …), not a files version',
    });
  }
}

export class UploadNotComplete extends ConflictError {
  constructor(fileName: string) {
    super('upload_incomplete', {
      zh: `文件「${fileName}」尚未上传完，请继续上传后再提交`,
      en: `The file “${fileName}” is not completely uploaded yet; resume it before submitting`,
    });
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await fs.promises.copyFile(from, to);
    await fs.promises.rm(from);
  }
}

export interface FilesVersionOutcome {
  versionId: string;
  versionNo: number;
  state: 'ready';
  files: StoredFile[];
}

export interface StoredFile {
  position: number;
  fileName: string;
  mediaType: string;
  byteCount: number;
  sm3: string;
}

/**
 * Makes the completed uploads (all the caller's, all for this entry) a new files version, current at
 * once. The uploads are used up; on any failure they stay as they were.
 */
export async function createFilesVersion(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  uploads: UploadSession[],
  filesDir: string,
  note: string | null = null,
): Promise<FilesVersionOutcome> {
  const p = assertProvider(actor, entry);
  if (!holdsFiles(entry)) throw new EntryHoldsTable();
  if (uploads.length === 0 || uploads.length > MAX_FILES_PER_VERSION)
    throw invalidField(
      'uploads',
      `须为 1 至 ${MAX_FILES_PER_VERSION} 个上传`,
      `must be 1 to ${MAX_FILES_PER_VERSION} uploads`,
    );
  const claimed: UploadSession[] = [];
  const versionId = randomUUID();
  const dir = path.join(filesDir, versionId);
  const moved: { from: string; to: string }[] = [];
  let committed = false;
  try {
    for (const u of uploads) {
      if (!(await claimSession(handle.db, u.id))) {
        throw new ConflictError('upload_busy', {
          zh: `上传「${u.fileName}」正在被使用`,
          en: `The upload “${u.fileName}” is in use`,
        });
      }
      claimed.push(u);
    }
    const files: (StoredFile & { storageKey: string })[] = [];
    for (const [i, u] of uploads.entries()) {
      const size = (await fs.promises.stat(u.filePath).catch(() => null))?.size ?? -1;
      if (size !== u.byteCount) throw new UploadNotComplete(u.fileName);
      const d = await describeFile(u.filePath, u.fileName);
      files.push({
        position: i + 1,
        fileName: u.fileName,
        mediaType: d.mediaType,
        byteCount: d.bytes,
        sm3: d.sm3,
        storageKey: `${versionId}/${i + 1}`,
      });
    }
    await fs.promises.mkdir(dir, { recursive: true });
    for (const [i, u] of uploads.entries()) {
      const to = path.join(dir, String(i + 1));
      await moveFile(u.filePath, to);
      moved.push({ from: u.filePath, to });
    }
    const by = p.kind === 'staff' ? p.accountId : null;
    const versionNo = await handle.db.transaction().execute(async (trx) => {
      const no = await recordFilesVersion(trx, {
        versionId,
        entryId: entry.id,
        source: 'upload',
        files,
        note,
        by,
      });
      await appendAudit(trx, actor, {
        action: 'provision.version_published',
        targetType: 'catalog_entry',
        targetId: entry.id,
        detail: { versionId, versionNo: no, source: 'upload', files: files.length },
      });
      return no;
    });
    committed = true;
    for (const u of uploads) await removeSession(handle.db, u);
    return {
      versionId,
      versionNo,
      state: 'ready',
      files: files.map(({ storageKey: _k, ...f }) => f),
    };
  } catch (err) {
    if (committed) throw err;
    // The version never became visible: its files go back to their uploads, which stay usable.
    for (const m of moved.reverse()) await moveFile(m.to, m.from).catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    for (const u of claimed) await releaseSession(handle.db, u.id).catch(() => undefined);
    throw err;
  }
}

/**
 * Records a files version whose files are already in place under `filesDir/<versionId>/` and makes
 * it current, inside the caller's transaction. Returns its version number.
 */
export async function recordFilesVersion(
  trx: Trx,
  input: {
    versionId: string;
    entryId: string;
    source: 'upload' | 'demo';
    files: readonly (StoredFile & { storageKey: string })[];
    note: string | null;
    by: string | null;
    /** When it was provided (default: now). */
    at?: Date;
  },
): Promise<number> {
  const { versionId, entryId, files } = input;
  const at = input.at ?? new Date();
  await lockEntry(trx, entryId);
  const no = await nextVersionNo(trx, entryId);
  await repo.insertFilesVersion(trx, {
    id: versionId,
    entry_id: entryId,
    version_no: no,
    kind: 'files',
    state: 'ready',
    source: input.source,
    table_name: null,
    columns: '[]',
    row_count: files.length,
    excluded_row_count: 0,
    byte_count: files.reduce((n, f) => n + f.byteCount, 0),
    file_name: files.length === 1 ? (files[0]?.fileName ?? null) : null,
    sm3: files.length === 1 ? (files[0]?.sm3 ?? null) : null,
    note: input.note,
    created_by: input.by,
    created_at: at,
    completed_at: at,
  });
  await repo.insertFiles(
    trx,
    files.map((f) => ({
      version_id: versionId,
      position: f.position,
      file_name: f.fileName,
      media_type: f.mediaType,
      byte_count: f.byteCount,
      sm3: f.sm3,
      storage_key: f.storageKey,
    })),
  );
  await makeCurrent(trx, entryId, versionId, input.by, at);
  return no;
}

async function filesVersion(db: Db, entry: ProvisionEntry, versionId: string) {
  const v = await repo.findVersionKind(db, entry.id, versionId);
  if (!v || v.kind !== 'files' || v.state !== 'ready') throw versionNotFound();
  return v;
}

/** The files of a ready files version, in order. For the department and its authority. */
export async function listFiles(db: Db, actor: Actor, entry: ProvisionEntry, versionId: string) {
  assertViewer(actor, entry);
  const v = await filesVersion(db, entry, versionId);
  const rows = await repo.listVersionFiles(db, v.id);
  return {
    versionId: v.id,
    versionNo: v.version_no,
    files: rows.map((r) => ({
      position: r.position,
      fileName: r.file_name,
      mediaType: r.media_type,
      byteCount: Number(r.byte_count),
      sm3: r.sm3,
    })),
  };
}

export const fileNotFound = () =>
  new ConflictError('file_missing', {
    zh: '该文件在存储中找不到，请联系平台管理员',
    en: 'The file is missing from storage; contact the platform administrator',
  });

/** One stored file of a version, with where it is on disk. */
export async function storedFile(
  db: Db,
  actor: Actor,
  entry: ProvisionEntry,
  versionId: string,
  position: number,
  filesDir: string,
) {
  assertExporter(actor, entry);
  const v = await filesVersion(db, entry, versionId);
  const f = await repo.findVersionFile(db, v.id, position);
  if (!f) throw versionNotFound();
  const file = path.join(filesDir, f.storage_key);
  if (!path.resolve(file).startsWith(path.resolve(filesDir) + path.sep)) throw fileNotFound();
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat) throw fileNotFound();
  return {
    path: file,
    fileName: f.file_name,
    mediaType: f.media_type,
    byteCount: Number(f.byte_count),
    sm3: f.sm3,
  };
}

/**
 * Removes directories under `filesDir` left by a files version whose transaction never committed
 * (the server died between moving the files and the commit), once they are an hour old.
 */
export async function removeOrphanFiles(db: Db, filesDir: string, now = Date.now()): Promise<number> {
  const names = await fs.promises.readdir(filesDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!/^[0-9a-f-]{36}$/.test(name)) continue;
    const dir = path.join(filesDir, name);
    const stat = await fs.promises.stat(dir).catch(() => null);
    if (!stat || now - stat.mtimeMs < 60 * 60 * 1000) continue;
    const known = await repo.versionExists(db, name);
    const referenced = await repo.countFilesStoredUnder(db, name);
    if (known || referenced > 0) continue;
    await fs.promises.rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
