/**
 * What happens to a completed resumable upload of a structured entry: a preview (format, encoding,
 * sheets, header, first rows and the automatic column mapping) and the ingest into a new version
 * through the same path as the one-shot upload (`provision.uploadFile`). The upload stays until it
 * is ingested successfully (or expires), so a refusal can be fixed — another mapping, encoding or
 * sheet — without sending the file again.
 */
import type { DatabaseHandle } from '../../../db/database.ts';
import type { DataItem } from '../../catalog/index.ts';
import { ConflictError, invalidField } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/principal.ts';
import {
  SOURCE_FORMATS,
  openRowSource,
  type OpenOptions,
  type SourceFormat,
} from '../../../formats/index.ts';
import { accepted, normaliseHeader, type IngestProgress, type IngestResult } from '../versions/ingest.ts';
import { uploadFile, type ProvisionEntry } from '../provision.service.ts';
import { holdsFiles } from '../files/files.ts';
import { claimSession, releaseSession, removeSession, type UploadSession } from './upload-sessions.ts';

/** Rows shown in a preview. */
export const PREVIEW_ROWS = 20;
/** Sheets of a workbook listed in a preview (at most). */
const PREVIEW_SHEETS = 30;

export const formatOfName = (name: string): SourceFormat | null => {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return SOURCE_FORMATS.find((f) => f === ext) ?? null;
};

export class EntryHoldsFiles extends ConflictError {
  constructor() {
    super('entry_holds_files', {
      zh: '该目录的资源格式不是结构化数据，其数据是文件：请作为文件版本提交',
      en: "This entry's resource format is not structured: its data are files; submit them as a files version",
    });
  }
}

export interface ReadOptions {
  format?: SourceFormat;
  encoding?: OpenOptions['encoding'];
  delimiter?: string;
  sheet?: string;
}

function openOptions(session: UploadSession, q: ReadOptions): OpenOptions {
  const format = q.format ?? (session.format as SourceFormat | null) ?? formatOfName(session.fileName);
  if (!format)
    throw invalidField(
      'format',
      `无法从文件名判断格式，须为 ${SOURCE_FORMATS.join('、')} 之一`,
      `cannot be told from the file name; must be one of ${SOURCE_FORMATS.join(', ')}`,
    );
  const encoding = q.encoding ?? (session.encoding as OpenOptions['encoding'] | null) ?? undefined;
  return {
    format,
    ...(encoding ? { encoding } : {}),
    ...(q.delimiter ? { delimiter: q.delimiter } : {}),
    ...(q.sheet ? { sheet: /^\d+$/.test(q.sheet) ? Number(q.sheet) : q.sheet } : {}),
  };
}

export interface ColumnMatch {
  item: string;
  label: string;
  dataType: DataItem['dataType'];
  required: boolean;
  /** The file's header that feeds the item (by name or Chinese label), or null. */
  header: string | null;
}

/** Each data item with the header that matches its name or Chinese label, as the ingest would. */
export function automaticMapping(headers: readonly string[], items: readonly DataItem[]) {
  const byHeader = new Map(headers.map((h) => [normaliseHeader(h), h]));
  const matches: ColumnMatch[] = items.map((item) => ({
    item: item.name,
    label: item.label,
    dataType: item.dataType,
    required: item.required,
    header: byHeader.get(normaliseHeader(item.name)) ?? byHeader.get(normaliseHeader(item.label)) ?? null,
  }));
  const used = new Set(matches.map((m) => m.header).filter((h) => h !== null));
  return {
    matches,
    unmatchedHeaders: headers.filter((h) => !used.has(h)),
    missingRequired: matches.filter((m) => m.required && m.header === null).map((m) => m.item),
  };
}

/** Format, encoding, sheets, header, the first rows and the automatic mapping of an upload. */
export async function previewUpload(entry: ProvisionEntry, session: UploadSession, q: ReadOptions) {
  if (holdsFiles(entry)) throw new EntryHoldsFiles();
  const options = openOptions(session, q);
  const source = await openRowSource(session.filePath, options);
  const rows: { record: number; values: (string | null)[] }[] = [];
  try {
    for await (const r of source.rows) {
      rows.push({ record: r.record, values: r.values });
      if (rows.length >= PREVIEW_ROWS) break;
    }
  } finally {
    await source.close();
  }
  return {
    uploadId: session.id,
    fileName: session.fileName,
    byteCount: session.byteCount,
    format: source.format,
    encoding: source.encoding ?? null,
    delimiter: source.delimiter ?? null,
    sheet: source.sheet ?? null,
    sheets: source.sheets?.slice(0, PREVIEW_SHEETS) ?? [],
    headers: source.headers,
    rows,
    mapping: automaticMapping(source.headers, entry.items),
  };
}

export class UploadBusy extends ConflictError {
  constructor() {
    super('upload_busy', {
      zh: '该上传正在入库，请等待其完成',
      en: 'This upload is being ingested already; wait for it to finish',
    });
  }
}

export class UploadIncomplete extends ConflictError {
  constructor(offset: number, size: number) {
    super('upload_incomplete', {
      zh: `文件尚未上传完（已收到 ${offset} / ${size} 字节），请继续上传`,
      en: `The file is not completely uploaded yet (${offset} of ${size} bytes received); resume the upload`,
    });
  }
}

/**
 * Ingests a completed upload into a new version. A published version removes the upload; a refusal
 * (422 report, unreadable file, unmatched columns) keeps it for another try.
 */
export async function ingestUpload(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  session: UploadSession,
  q: ReadOptions & {
    errorPolicy?: 'reject' | 'exclude';
    mapping?: Record<string, string>;
    signal?: AbortSignal;
    onProgress?: (p: IngestProgress) => void;
  },
): Promise<IngestResult> {
  if (holdsFiles(entry)) throw new EntryHoldsFiles();
  const options = openOptions(session, q);
  if (!(await claimSession(handle.db, session.id))) throw new UploadBusy();
  let result: IngestResult | undefined;
  try {
    result = await uploadFile(handle, actor, entry, session.filePath, {
      ...options,
      fileName: session.fileName,
      ...(q.mapping ? { mapping: q.mapping } : {}),
      ...(q.errorPolicy ? { errorPolicy: q.errorPolicy } : {}),
      ...(q.signal ? { signal: q.signal } : {}),
      ...(q.onProgress ? { onProgress: q.onProgress } : {}),
    });
    return result;
  } finally {
    if (result && accepted(result)) await removeSession(handle.db, session);
    else await releaseSession(handle.db, session.id);
  }
}
