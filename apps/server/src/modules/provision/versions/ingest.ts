/**
 * Ingest: rows from a file (or pushed by a department's system) are mapped to the entry's data
 * items, validated, and written into a new version, which becomes current only when it is complete
 * and acceptable under the entry's error policy (reject: any invalid row fails the whole version;
 * exclude: invalid rows are left out and listed). A failure or cancellation drops the version.
 */
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../../../shared/errors.ts';
import type { DatabaseHandle } from '../../../db/database.ts';
import type { DataVersionSource } from '../../../db/database.types.ts';
import type { DataItem } from '../../catalog/index.ts';
import {
  abandonVersion,
  appendRows,
  beginTableVersion,
  completeVersion,
  type OpenVersion,
} from './versions.store.ts';
import { openRowSource, type OpenOptions, type RowSource, type SourceRow } from '../../../formats/index.ts';
import { ValidationReport, createValidator, type TypedValue, type ValidationSummary } from './validation.ts';
import { beijingDay } from '../../../shared/beijing-time.ts';

import type { ErrorPolicy } from '@huitong/contract/values';
export type { ErrorPolicy };

export interface IngestSettings {
  errorPolicy: ErrorPolicy;
  enumerations?: Record<string, string[]>;
}

export interface IngestTarget {
  entryId: string;
  items: readonly DataItem[];
  settings: IngestSettings;
  source: DataVersionSource;
  createdBy: string | null;
  idempotencyKey?: string | null;
  /** Make the version current when it is accepted (default true). */
  makeCurrent?: boolean;
}

export interface IngestProgress {
  rows: number;
  bytes: number;
}

export interface IngestResult {
  versionId: string;
  versionNo: number;
  /**
   * `unchanged`: the rows were the current version's; no version was made (see `sameAs`).
   * `retired` (an old version read back): retention has since removed its rows.
   */
  state: 'ready' | 'failed' | 'cancelled' | 'unchanged' | 'retired';
  /** The current version an unchanged run matched. */
  sameAs?: { versionId: string; versionNo: number };
  rowCount: number;
  excludedRowCount: number;
  report: ValidationSummary;
}

/** Whether the run was taken: a new version, or the current version's rows again. */
export const accepted = (r: Pick<IngestResult, 'state'>): boolean =>
  r.state === 'ready' || r.state === 'unchanged';

/** How a run is audited: a version published, the data confirmed unchanged, or the data refused. */
export function ingestAudit(r: Pick<IngestResult, 'state'>) {
  const action =
    r.state === 'ready'
      ? 'provision.version_published'
      : r.state === 'unchanged'
        ? 'provision.data_unchanged'
        : 'provision.version_rejected';
  return { action, result: accepted(r) ? ('success' as const) : ('failure' as const) };
}

export interface RowInput {
  record: number;
  /** One value per data item, in item order. */
  values: (string | null)[];
  geometry?: unknown;
}

/**
 * Rows handed to `appendRows` at a time: few on PostgreSQL (they stream into the COPY, and rows that
 * die young keep the heap small), more on PGlite (one INSERT statement each).
 */
const batchSize = (handle: DatabaseHandle) => (handle.backend === 'postgres' ? 250 : 1000);

/** How a validated value is stored in a version table's text form (geometry and JSON as JSON). */
export function storedText(v: TypedValue | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Lines a source's rows up with the entry's data items, columns found by `mapColumns`; a geometry
 * item without a column of its own takes the row's geometry (a GeoJSON feature's). When the columns
 * already are the items in order, a row's values are passed on as they are.
 */
export function rowAligner(
  headers: readonly string[],
  items: readonly DataItem[],
  mapping?: Readonly<Record<string, string>>,
): (row: Pick<SourceRow, 'values' | 'geometry'>) => (string | null)[] {
  const columns = mapColumns(headers, items, mapping);
  const geometryItem = items.findIndex((i) => i.dataType === 'geometry');
  if (geometryItem < 0 && headers.length === columns.length && columns.every((c, k) => c === k))
    return (row) => row.values;
  return (row) =>
    columns.map((c, k) =>
      c >= 0
        ? (row.values[c] ?? null)
        : k === geometryItem && row.geometry
          ? JSON.stringify(row.geometry)
          : null,
    );
}

/** Writes rows into a new version, validating each; see the module comment. */
export async function ingestRows(
  handle: DatabaseHandle,
  target: IngestTarget,
  rows: AsyncIterable<RowInput> | Iterable<RowInput>,
  options: {
    signal?: AbortSignal;
    onProgress?: (p: IngestProgress) => void;
    bytes?: () => number;
    file?: {
      format?: string;
      encoding?: string | null;
      fileName?: string | null;
      byteCount?: number;
      sm3?: string;
      /** The size and SM3 digest of the file, still being computed (see `digestInWorker`). */
      digest?: Promise<{ sm3: string; bytes: number }>;
    };
  } = {},
): Promise<IngestResult> {
  const version = await beginTableVersion(handle, {
    entryId: target.entryId,
    items: target.items,
    source: target.source,
    createdBy: target.createdBy,
    idempotencyKey: target.idempotencyKey ?? null,
    format: options.file?.format ?? null,
    encoding: options.file?.encoding ?? null,
    fileName: options.file?.fileName ?? null,
  });
  return writeVersion(handle, version, target, rows, options);
}

async function writeVersion(
  handle: DatabaseHandle,
  version: OpenVersion,
  target: IngestTarget,
  rows: AsyncIterable<RowInput> | Iterable<RowInput>,
  options: Parameters<typeof ingestRows>[3] & object,
): Promise<IngestResult> {
  const validator = createValidator(target.items, {
    enumerations: target.settings.enumerations ?? {},
    latestBirthDate: beijingDay(),
  });
  const report = new ValidationReport(target.items);
  const names = target.items.map((i) => i.name);
  let batch: { row: number; values: (string | null)[] }[] = [];
  const perBatch = batchSize(handle);
  let count = 0;
  let excluded = 0;
  const rejecting = target.settings.errorPolicy === 'reject';
  try {
    for await (const input of rows) {
      if (options.signal?.aborted) throw new IngestCancelled();
      const result = validator.validate(input.values, { row: input.record, geometry: input.geometry });
      report.add(result);
      count++;
      if (!result.valid) {
        excluded++;
      } else if (!(rejecting && excluded > 0)) {
        // Once a rejected version is certain to fail, rows are only checked, not written.
        batch.push({ row: input.record, values: names.map((n) => storedText(result.values[n])) });
      }
      if (batch.length >= perBatch) {
        await appendRows(handle.db, version, batch);
        batch = [];
      }
      if (count % 1000 === 0) options.onProgress?.({ rows: count, bytes: options.bytes?.() ?? 0 });
    }
    if (options.signal?.aborted) throw new IngestCancelled();
    const summary = report.summary();
    if (count === 0 || (rejecting && excluded > 0)) {
      await abandonVersion(handle.db, version, 'failed', {
        code: count === 0 ? 'no_rows' : 'invalid_rows',
        message:
          count === 0
            ? { zh: '没有数据行', en: 'There are no data rows' }
            : {
                zh: `${excluded} 行数据未通过校验，按“整体拒绝”规则未发布此版本`,
                en: `${excluded} rows failed validation; under the "reject whole version" rule this version was not published`,
              },
        report: summary,
      });
      return {
        versionId: version.id,
        versionNo: version.versionNo,
        state: 'failed',
        rowCount: count,
        excludedRowCount: excluded,
        report: summary,
      };
    }
    if (batch.length > 0) await appendRows(handle.db, version, batch);
    options.onProgress?.({ rows: count, bytes: options.bytes?.() ?? 0 });
    const digest = await options.file?.digest;
    const outcome = await completeVersion(handle.db, version, {
      rowCount: count - excluded,
      excludedRowCount: excluded,
      byteCount: digest?.bytes ?? options.file?.byteCount ?? null,
      sm3: digest?.sm3 ?? options.file?.sm3 ?? null,
      report: summary,
      makeCurrent: target.makeCurrent !== false,
      by: target.createdBy,
    });
    return {
      versionId: version.id,
      versionNo: version.versionNo,
      ...outcome,
      rowCount: count - excluded,
      excludedRowCount: excluded,
      report: summary,
    };
  } catch (err) {
    const cancelled = err instanceof IngestCancelled;
    await abandonVersion(
      handle.db,
      version,
      cancelled ? 'cancelled' : 'failed',
      cancelled
        ? { code: 'cancelled', message: { zh: '上传已取消', en: 'The upload was cancelled' } }
        : errorRecord(err),
    ).catch(() => undefined);
    if (cancelled) {
      return {
        versionId: version.id,
        versionNo: version.versionNo,
        state: 'cancelled',
        rowCount: count,
        excludedRowCount: excluded,
        report: report.summary(),
      };
    }
    throw err;
  }
}

export class IngestCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

function errorRecord(err: unknown) {
  if (err && typeof err === 'object' && 'code' in err && 'messages' in err)
    return { code: (err as { code: unknown }).code, message: (err as { messages: unknown }).messages };
  return { code: 'internal', message: { zh: '写入失败', en: 'Writing failed' } };
}

export const normaliseHeader = (h: string) => h.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * Which column of the file feeds each data item: by the item's name or Chinese label (ignoring case
 * and spaces), or as `mapping` (file header → item name) says. A required item without a column is
 * an error naming it; so is a mapping to an unknown item or header.
 */
export function mapColumns(
  headers: readonly string[],
  items: readonly DataItem[],
  mapping: Readonly<Record<string, string>> = {},
): number[] {
  const byHeader = new Map(headers.map((h, i) => [normaliseHeader(h), i]));
  const problems: { field: string; message: { zh: string; en: string } }[] = [];
  for (const [header, name] of Object.entries(mapping)) {
    if (!byHeader.has(normaliseHeader(header)))
      problems.push({
        field: `mapping/${header}`,
        message: { zh: '文件中没有此列', en: 'no such column in the file' },
      });
    if (!items.some((i) => i.name === name))
      problems.push({
        field: `mapping/${header}`,
        message: { zh: `没有信息项 ${name}`, en: `no data item ${name}` },
      });
  }
  const mapped = new Map(Object.entries(mapping).map(([h, n]) => [n, byHeader.get(normaliseHeader(h))]));
  const columns = items.map((item) => {
    const index =
      mapped.get(item.name) ??
      byHeader.get(normaliseHeader(item.name)) ??
      byHeader.get(normaliseHeader(item.label));
    if (index === undefined && item.required)
      problems.push({
        field: `columns/${item.name}`,
        message: {
          zh: `文件缺少必填信息项「${item.label}」（${item.name}）对应的列`,
          en: `the file has no column for the required data item “${item.label}” (${item.name})`,
        },
      });
    return index ?? -1;
  });
  if (problems.length > 0)
    throw new ValidationError(problems, {
      zh: `文件的列与信息项对不上：${problems.map((p) => p.message.zh).join('；')}。可在上传时指定列的对应关系`,
      en: `The file's columns do not match the data items: ${problems.map((p) => p.message.en).join('; ')}. Give a column mapping with the upload`,
    });
  return columns;
}

// The digest in a thread of its own: hashing a large file is a second pass over it, which would
// otherwise take the event loop's time from parsing and validating (CommonJS, no tsx loader).
const DIGEST_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const hash = createHash('sm3');
let bytes = 0;
const stream = fs.createReadStream(workerData, { highWaterMark: 1024 * 1024 });
stream.on('data', (chunk) => { hash.update(chunk); bytes += chunk.length; });
stream.on('end', () => parentPort.postMessage({ sm3: hash.digest('hex'), bytes }));
stream.on('error', (err) => { throw err; });
`;

/**
 * The SM3 digest and size of a file, computed in a worker thread while the caller goes on; `stop`
 * ends the thread when the answer is no longer wanted.
 */
export function digestInWorker(file: string): {
  result: Promise<{ sm3: string; bytes: number }>;
  stop: () => void;
} {
  const worker = new Worker(DIGEST_WORKER, { eval: true, workerData: file, execArgv: [] });
  const result = new Promise<{ sm3: string; bytes: number }>((resolve, reject) => {
    let answer: { sm3: string; bytes: number } | undefined;
    worker.once('message', (m: { sm3: string; bytes: number }) => {
      answer = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (answer) resolve(answer);
      else reject(new Error(`the digest worker stopped (exit code ${code})`));
    });
  });
  // Awaited when a version is completed; a failure before that must not go unhandled.
  result.catch(() => undefined);
  return { result, stop: () => void worker.terminate() };
}

/** Reads a file (any supported format) into a new version of the entry's data. */
export async function ingestFile(
  handle: DatabaseHandle,
  target: IngestTarget,
  file: string,
  options: OpenOptions & {
    fileName?: string;
    mapping?: Record<string, string>;
    signal?: AbortSignal;
    onProgress?: (p: IngestProgress) => void;
    /** The file's SM3 and size when the caller computed them as it received the file. */
    digest?: { sm3: string; bytes: number };
  },
): Promise<IngestResult> {
  const known = options.digest;
  const digest = known ? { result: Promise.resolve(known), stop: () => undefined } : digestInWorker(file);
  let source: RowSource;
  try {
    source = await openRowSource(file, options);
  } catch (err) {
    digest.stop();
    throw err;
  }
  try {
    const align = rowAligner(source.headers, target.items, options.mapping);
    async function* rows(): AsyncIterable<RowInput> {
      for await (const r of source.rows)
        yield { record: r.record, values: align(r), geometry: r.geometry ?? undefined };
    }
    return await ingestRows(handle, target, rows(), {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      bytes: () => source.bytesRead(),
      file: {
        format: options.format,
        encoding: source.encoding ?? null,
        fileName: options.fileName ?? null,
        digest: digest.result,
      },
    });
  } finally {
    digest.stop();
    await source.close();
  }
}
