/**
 * Streamed export of a data version as CSV (UTF-8 with BOM, GBK or GB18030), XLSX, JSON or GeoJSON,
 * in constant memory whatever the size of the version.
 *
 * Rows are read in batches and written as they come, with back-pressure (nothing is read while the
 * client is not taking what was written):
 * - on PostgreSQL on a connection of its own (held for the export, released when the response ends,
 *   fails or is aborted): CSV straight from `COPY (select …) TO STDOUT` (the fast path), the other
 *   formats through a server-side cursor;
 * - on PGlite (one connection for everything) in keyset-paged batches by `_row`, so no transaction
 *   stays open between batches and other requests run in between.
 *
 * The statements are in export.repository.ts. Values are the same text on every path: each column
 * goes through its `valueSql` (dates YYYY-MM-DD, datetimes ISO 8601 in China Standard Time
 * `2026-03-15T08:30:00+08:00`, geometries as JSON). The CSV written here quotes exactly as
 * PostgreSQL's COPY does (RFC 4180 quoting, LF line ends), so the fast path and the generic path
 * give the same bytes (export.test.ts compares them).
 *
 * CSV comes in two variants. `spreadsheet` (the default, for people: UTF-8 with a BOM, GBK or
 * GB18030) puts a `'` before every text value a spreadsheet would run as a formula (formula-like.ts),
 * in the SQL, so COPY still gives the bytes. `machine` (for programs) is the data as stored: no BOM,
 * nothing added — in UTF-8, the header line and exactly what COPY writes.
 */
import { once } from 'node:events';
import { PassThrough, Readable, Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type pg from 'pg';
import type { DatabaseHandle, Lease, Db } from '../../../db/database.ts';
import { AppError, ConflictError, invalidField, type ErrorCode } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/principal.ts';
import { appendAudit } from '../../security/index.ts';
import type { ColumnSpec } from '../versions/versions.store.ts';
import {
  assertExporter,
  versionNotFound,
  versionRetired,
  type ProvisionEntry,
} from '../provision.service.ts';
import { XLSX_MIME } from '../../../shared/download.ts';
import { neutralised } from '../../../formats/formula-like.ts';
import * as repo from './export.repository.ts';
import { spreadsheetValueSql, valueSql, type Row, type ValueSql } from './export.repository.ts';

import type { CsvVariant, ExportEncoding, ExportFormat, HeaderKind } from '@huitong/contract/values';

export { CSV_VARIANTS, EXPORT_ENCODINGS, EXPORT_FORMATS, HEADER_KINDS } from '@huitong/contract/values';
export type { CsvVariant, ExportEncoding, ExportFormat, HeaderKind };

export interface ExportQuery {
  format: ExportFormat;
  /** CSV only (default utf-8). */
  encoding?: ExportEncoding;
  /** A version number or id; default the current version. */
  version?: string;
  /** Data items by name, comma-separated; default all. */
  fields?: string;
  /** CSV and XLSX header row: data item names (default) or Chinese labels. */
  header?: HeaderKind;
  /** CSV only: for spreadsheets (default: formulas neutralised, a BOM in UTF-8) or for programs (as stored). */
  variant?: CsvVariant;
}

export interface ExportOptions {
  /** Rows per batch read from the database. */
  batchSize?: number;
  /** Tests: never take the COPY fast path (to compare it with the generic one). */
  generic?: boolean;
  /** Record the export in the audit trail (default true; false for HEAD, which reads nothing). */
  audit?: boolean;
}

/** An export checked and ready to stream: open() starts reading. */
export interface PreparedExport {
  versionId: string;
  versionNo: number;
  rowCount: number;
  fileName: string;
  asciiFileName: string;
  contentType: string;
  open(): Readable;
}

/** XLSX allows 1,048,576 rows per sheet (one is the header) and 32,767 characters per cell. */
export const XLSX_MAX_ROWS = 1_048_575;
export const XLSX_MAX_CELL = 32_767;
const BATCH = 2000;

class ExportError extends AppError {
  constructor(code: ErrorCode, status: number, zh: string, en: string) {
    super(code, status, { zh, en });
  }
}

/** The export's source of rows: batches, and what to do when the export ends. */
interface Source {
  /** Batches of the columns' values, as `value` gives their text (default `valueSql`). */
  batches(columns: readonly ColumnSpec[], value?: ValueSql): AsyncGenerator<Row[]>;
  /** PostgreSQL only: the connection, for COPY. */
  client: pg.PoolClient | null;
  close(): Promise<void>;
}

async function openSource(handle: DatabaseHandle, table: string, batchSize: number): Promise<Source> {
  if (handle.backend === 'postgres') {
    // A connection of its own for the length of the export: a lease on a key no one else uses.
    const lease: Lease | null = await handle.lease(`data-export:${crypto.randomUUID()}`);
    const client = lease?.client;
    if (!lease || !client) {
      await lease?.release();
      throw new Error('no connection for the export');
    }
    return {
      client,
      batches: (columns, value = valueSql) => repo.cursorBatches(client, table, columns, batchSize, value),
      close: () => lease.release(),
    };
  }
  return {
    client: null,
    batches: (columns, value = valueSql) => repo.keysetBatches(handle.db, table, columns, batchSize, value),
    close: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Text encodings
// ---------------------------------------------------------------------------------------------

const QUESTION = 0x3f;

/**
 * Encodes text for the chosen encoding. GBK cannot represent every character (GB18030 can): iconv
 * writes `?` for those, which is recognised here — GBK's second bytes are never 0x3F, so every 0x3F
 * byte out is a `?` in — and refused rather than written.
 */
export function encodeText(text: string, encoding: ExportEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const out = iconv.encode(text, encoding);
  if (encoding === 'gbk' && !gbkKeptAll(text, out))
    throw new Error('a character GBK cannot encode reached the encoder');
  return out;
}

/** Whether GBK encoded every character of `text` into `out`: as many `?` came out as went in. */
function gbkKeptAll(text: string, out: Buffer): boolean {
  let inQ = 0;
  for (let i = text.indexOf('?'); i !== -1; i = text.indexOf('?', i + 1)) inQ++;
  let outQ = 0;
  for (let i = out.indexOf(QUESTION); i !== -1; i = out.indexOf(QUESTION, i + 1)) outQ++;
  return inQ === outQ;
}

/** The first character of `text` that GBK cannot encode, or null. */
export function firstNonGbk(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text) || gbkKeptAll(text, iconv.encode(text, 'gbk'))) return null;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    const b = iconv.encode(ch, 'gbk');
    if (b.length === 1 && b[0] === QUESTION) return ch;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

/** One CSV field as PostgreSQL's COPY (FORMAT csv) writes it: quoted when it must be (RFC 4180). */
export function csvField(v: string | null, single = false): string {
  if (v === null) return '';
  if (v === '' || /[",\n\r]/.test(v) || (single && v === '\\.')) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

const csvLine = (values: readonly (string | null)[]) => {
  const single = values.length === 1;
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i > 0 ? ',' : '') + csvField(values[i] ?? null, single);
  return `${line}\n`;
};

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** A value in JSON: numbers as their exact numerals, booleans, geometries as objects, the rest strings. */
function jsonValue(c: ColumnSpec, v: string | null): string {
  if (v === null) return 'null';
  const t = c.dataType;
  if (t === 'integer' || t === 'decimal') return JSON_NUMBER.test(v) ? v : JSON.stringify(v);
  if (t === 'boolean') return v === 'true' || v === 'false' ? v : JSON.stringify(v);
  if (t === 'geometry') return v;
  return JSON.stringify(v);
}

function jsonObject(columns: readonly ColumnSpec[], keys: readonly string[], values: Row, skip = -1): string {
  let out = '{';
  let first = true;
  for (let i = 0; i < columns.length; i++) {
    if (i === skip) continue;
    out += `${first ? '' : ','}${keys[i]}:${jsonValue(columns[i] as ColumnSpec, values[i] ?? null)}`;
    first = false;
  }
  return `${out}}`;
}

/** A typed XLSX cell: numbers, dates (shown in Beijing time), booleans; identifiers stay text. */
function xlsxValue(c: ColumnSpec, v: string | null): ExcelJS.CellValue {
  if (v === null) return null;
  const t = c.dataType;
  if (t === 'integer') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (t === 'decimal') {
    const n = Number(v);
    // A number only when it keeps every digit; otherwise the exact text.
    return Number.isFinite(n) && JSON_NUMBER.test(v) && sameDecimal(v, n) ? n : v;
  }
  if (t === 'date') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : v;
  }
  if (t === 'datetime') {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?\+08:00$/.exec(v);
    if (!m) return v;
    const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
    return new Date(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms),
    );
  }
  if (t === 'boolean') return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}

/** Whether the number `n` written back gives the decimal `text` (trailing zeros aside). */
function sameDecimal(text: string, n: number): boolean {
  const norm = (s: string) => {
    const neg = s.startsWith('-');
    const [int = '0', frac = ''] = s.replace(/^-/, '').split('.');
    const f = frac.replace(/0+$/, '');
    const i = int.replace(/^0+(?=\d)/, '');
    const body = f ? `${i}.${f}` : i;
    return neg && body !== '0' ? `-${body}` : body;
  };
  return norm(text) === norm(n.toFixed(Math.min(20, (text.split('.')[1] ?? '').length)));
}

const XLSX_FORMATS: Partial<Record<ColumnSpec['dataType'], string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

// ---------------------------------------------------------------------------------------------
// Preparing an export
// ---------------------------------------------------------------------------------------------

const EXTENSIONS: Record<ExportFormat, string> = {
  csv: 'csv',
  xlsx: 'xlsx',
  json: 'json',
  geojson: 'geojson',
};
function contentTypeOf(format: ExportFormat, encoding: ExportEncoding): string {
  switch (format) {
    case 'csv':
      return `text/csv; charset=${encoding}`;
    case 'xlsx':
      return XLSX_MIME;
    case 'json':
      return 'application/json; charset=utf-8';
    case 'geojson':
      return 'application/geo+json; charset=utf-8';
  }
}

async function pickVersion(db: Db, entryId: string, version: string | undefined) {
  let by: { id: string } | { versionNo: number };
  if (version === undefined) {
    const current = await repo.currentVersionId(db, entryId);
    if (current === undefined) throw versionNotFound();
    by = { id: current };
  } else if (/^[0-9]{1,9}$/.test(version)) {
    by = { versionNo: Number(version) };
  } else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(version)) {
    by = { id: version.toLowerCase() };
  } else {
    throw invalidField('version', '须为版本号或版本 ID', 'must be a version number or a version id');
  }
  const v = await repo.findEntryVersion(db, entryId, by);
  if (!v) throw versionNotFound();
  if (v.state === 'retired') throw versionRetired(v.version_no);
  if (v.state !== 'ready' || v.kind !== 'table' || !v.table_name) {
    throw new ConflictError('version_not_exportable', {
      zh: `数据版本 v${v.version_no} 没有可导出的数据（只有已完成的表格数据版本可以导出）`,
      en: `Data version v${v.version_no} has no data to export (only completed table versions can be exported)`,
    });
  }
  return v;
}

function pickFields(columns: readonly ColumnSpec[], fields: string | undefined): ColumnSpec[] {
  if (fields === undefined) return [...columns];
  const byName = new Map(columns.map((c) => [c.name, c]));
  const picked: ColumnSpec[] = [];
  for (const raw of fields.split(',')) {
    const name = raw.trim();
    const c = byName.get(name);
    if (!c) throw invalidField('fields', `没有信息项 ${name}`, `no data item ${name}`);
    if (picked.includes(c))
      throw invalidField('fields', `信息项 ${name} 重复`, `data item ${name} is repeated`);
    picked.push(c);
  }
  return picked;
}

/** File names: the entry's name and version (characters no file system takes become `_`). */
function fileNames(entryName: string, versionNo: number, format: ExportFormat) {
  const ext = EXTENSIONS[format];
  // eslint-disable-next-line no-control-regex
  const safe = entryName.replace(/[\x00-\x1f\\/:*?"<>|]+/g, '_').trim() || 'data';
  const ascii = safe
    .replace(/[^\x20-\x7e]+/g, '')
    .replace(/["\\;]/g, '')
    .trim();
  return {
    fileName: `${safe}-v${versionNo}.${ext}`,
    asciiFileName: `${/[a-z0-9]/i.test(ascii) ? ascii : 'data'}-v${versionNo}.${ext}`,
  };
}

/**
 * Checks an export request (who, which version, which fields, whether the format fits the data) and
 * answers it ready to stream; every refusal comes before the first byte. The export is audited.
 */
export async function prepareExport(
  handle: DatabaseHandle,
  actor: Actor,
  entry: ProvisionEntry,
  q: ExportQuery,
  options: ExportOptions = {},
): Promise<PreparedExport> {
  assertExporter(actor, entry);
  const db = handle.db;
  if (q.encoding !== undefined && q.encoding !== 'utf-8' && q.format !== 'csv')
    throw invalidField(
      'encoding',
      '只适用于 CSV（其他格式均为 UTF-8）',
      'applies to CSV only (the other formats are UTF-8)',
    );
  if (q.variant !== undefined && q.format !== 'csv')
    throw invalidField(
      'variant',
      '只适用于 CSV（XLSX 的单元格按类型写入，文本不会成为公式）',
      'applies to CSV only (XLSX cells are typed: text never becomes a formula)',
    );
  const variant: CsvVariant = q.variant ?? 'spreadsheet';
  const encoding: ExportEncoding = q.encoding ?? 'utf-8';
  const header: HeaderKind = q.header ?? 'name';
  const version = await pickVersion(db, entry.id, q.version);
  const table = version.table_name ?? '';
  const all = version.columns as ColumnSpec[];
  const fields = pickFields(all, q.fields);
  const rowCount = Number(version.row_count ?? 0);

  let geometry: ColumnSpec | undefined;
  if (q.format === 'geojson') {
    geometry = all.find((c) => c.dataType === 'geometry');
    if (!geometry)
      throw new ExportError(
        'no_geometry',
        400,
        '该数据没有几何（空间坐标）信息项，不能导出为 GeoJSON；请选择 CSV、XLSX 或 JSON',
        'These data have no geometry data item and cannot be exported as GeoJSON; choose CSV, XLSX or JSON',
      );
  }
  if (q.format === 'xlsx') {
    if (rowCount > XLSX_MAX_ROWS)
      throw new ExportError(
        'too_many_rows_for_xlsx',
        400,
        `数据有 ${rowCount} 行，超过 XLSX 工作表的上限 ${XLSX_MAX_ROWS} 行；请选择 CSV 或 JSON`,
        `The data have ${rowCount} rows, more than an XLSX sheet holds (${XLSX_MAX_ROWS}); choose CSV or JSON`,
      );
    await checkCellLengths(db, table, fields);
  }
  const names = fields.map((c) => (header === 'label' ? c.label : c.name));
  // Labels are free text: in the CSV for spreadsheets they are neutralised like the values.
  const headers = q.format === 'csv' && variant === 'spreadsheet' ? names.map(neutralised) : names;
  if (q.format === 'csv' && encoding === 'gbk') await checkGbk(handle, table, fields, headers);

  if (options.audit !== false)
    await appendAudit(db, actor, {
      action: 'provision.data_exported',
      targetType: 'catalog_entry',
      targetId: entry.id,
      detail: {
        versionId: version.id,
        versionNo: version.version_no,
        format: q.format,
        ...(q.format === 'csv' ? { encoding, variant } : {}),
        fields: fields.map((c) => c.name),
        rows: rowCount,
      },
    });

  const batchSize = options.batchSize ?? BATCH;
  const files = fileNames(entry.name, version.version_no, q.format);
  const open = (): Readable => {
    switch (q.format) {
      case 'csv':
        return csvStream(handle, table, fields, headers, {
          encoding,
          variant,
          batchSize,
          generic: options.generic === true,
        });
      case 'json':
        return textStream(handle, table, batchSize, jsonParts(fields));
      case 'geojson':
        return textStream(handle, table, batchSize, geojsonParts(fields, geometry as ColumnSpec));
      case 'xlsx':
        return xlsxStream(handle, table, fields, headers, entry.name, batchSize);
    }
  };
  return {
    versionId: version.id,
    versionNo: version.version_no,
    rowCount,
    ...files,
    contentType: contentTypeOf(q.format, encoding),
    open,
  };
}

/** XLSX: a cell holds at most 32,767 characters; refused before streaming rather than cut. */
async function checkCellLengths(db: Db, table: string, fields: readonly ColumnSpec[]) {
  const long = fields.filter((c) => ['string', 'geometry', 'binary'].includes(c.dataType));
  if (long.length === 0) return;
  const lengths = await repo.maxTextLengths(db, table, long);
  const over = long.filter((_, i) => (lengths[i] ?? 0) > XLSX_MAX_CELL);
  if (over.length > 0)
    throw new ExportError(
      'cell_too_long_for_xlsx',
      422,
      `信息项 ${over.map((c) => c.label).join('、')} 有超过 ${XLSX_MAX_CELL} 个字符的值，XLSX 单元格放不下；请选择 CSV 或 JSON`,
      `Data items ${over.map((c) => c.name).join(', ')} hold values longer than an XLSX cell takes (${XLSX_MAX_CELL} characters); choose CSV or JSON`,
    );
}

/**
 * GBK: every value must be encodable, found out before the first byte is sent. GB18030 and UTF-8
 * encode everything. One pass over the data, in batches (the same readers as the export).
 */
async function checkGbk(
  handle: DatabaseHandle,
  table: string,
  fields: readonly ColumnSpec[],
  headers: readonly string[],
) {
  const refuse = (where: { zh: string; en: string }, ch: string) =>
    new ExportError(
      'not_gbk_encodable',
      422,
      `${where.zh}含有 GBK 编码无法表示的字符「${ch}」（U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}）；请选择 GB18030 或 UTF-8`,
      `${where.en} holds a character GBK cannot encode, "${ch}" (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}); choose GB18030 or UTF-8`,
    );
  for (let i = 0; i < headers.length; i++) {
    const ch = firstNonGbk(headers[i] ?? '');
    if (ch) throw refuse({ zh: `表头「${headers[i]}」`, en: `The header "${headers[i]}"` }, ch);
  }
  const source = await openSource(handle, table, BATCH);
  try {
    let row = 0;
    for await (const batch of source.batches(fields)) {
      for (const values of batch) {
        row++;
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (v === null || v === undefined) continue;
          const ch = firstNonGbk(v);
          if (ch) {
            const c = fields[i] as ColumnSpec;
            throw refuse({ zh: `第 ${row} 行的「${c.label}」`, en: `Row ${row}, ${c.name},` }, ch);
          }
        }
      }
    }
  } finally {
    await source.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

/** A byte stream from an async generator: read only as the consumer takes it; cleaned up on abort. */
const byteStream = (gen: AsyncGenerator<Buffer>) =>
  Readable.from(gen, { objectMode: false, highWaterMark: 64 * 1024 });

function csvStream(
  handle: DatabaseHandle,
  table: string,
  fields: readonly ColumnSpec[],
  headers: readonly string[],
  o: { encoding: ExportEncoding; variant: CsvVariant; batchSize: number; generic: boolean },
): Readable {
  const { encoding, batchSize } = o;
  const value = o.variant === 'spreadsheet' ? spreadsheetValueSql : valueSql;
  const head = () => {
    const h = encodeText(csvLine(headers), encoding);
    // Excel on Chinese Windows reads UTF-8 without a BOM as GBK; programs want no BOM.
    return encoding === 'utf-8' && o.variant === 'spreadsheet'
      ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), h])
      : h;
  };
  if (handle.backend === 'postgres' && !o.generic)
    return copyCsvStream(handle, table, fields, value, head, encoding);
  async function* gen(): AsyncGenerator<Buffer> {
    const source = await openSource(handle, table, batchSize);
    try {
      yield head();
      for await (const batch of source.batches(fields, value)) {
        let text = '';
        for (const values of batch) text += csvLine(values);
        yield encodeText(text, encoding);
      }
    } finally {
      await source.close();
    }
  }
  return byteStream(gen());
}

/**
 * The CSV fast path on PostgreSQL: the rows as `COPY … TO STDOUT (FORMAT csv)` writes them, piped to
 * the response in the chunks the server sends (UTF-8; re-encoded for GBK/GB18030), with the pipe's
 * back-pressure. An abort cancels the COPY on the server and drains what was in flight, so the
 * connection is clean when it is released.
 */
function copyCsvStream(
  handle: DatabaseHandle,
  table: string,
  fields: readonly ColumnSpec[],
  value: ValueSql,
  head: () => Buffer,
  encoding: ExportEncoding,
): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const run = async () => {
    const source = await openSource(handle, table, BATCH);
    try {
      const client = source.client;
      if (!client) throw new Error('no connection for COPY');
      if (out.destroyed) return;
      out.write(head());
      const copy = repo.copyCsv(client, table, fields, value);
      let ended = false;
      let failed = false;
      const settled = new Promise<void>((resolve) => {
        copy.once('end', () => {
          ended = true;
          resolve();
        });
        copy.once('error', (err) => {
          failed = true;
          out.destroy(err);
          resolve();
        });
      });
      if (encoding === 'utf-8') copy.pipe(out);
      else {
        const decoder = new StringDecoder('utf8');
        const encoder = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            try {
              cb(null, encodeText(decoder.write(chunk), encoding));
            } catch (err) {
              cb(err as Error);
            }
          },
          flush(cb) {
            const rest = decoder.end();
            cb(null, rest ? encodeText(rest, encoding) : undefined);
          },
        });
        encoder.on('error', (err) => out.destroy(err));
        copy.pipe(encoder).pipe(out);
      }
      await Promise.race([settled, finished(out).catch(() => undefined)]);
      if (!ended && !failed) {
        // The client went away (or the encoder failed): stop the COPY on the server and drain it.
        copy.unpipe();
        const pid = (client as unknown as { processID?: number }).processID;
        if (pid !== undefined) await repo.cancelBackend(handle.db, pid);
        copy.resume();
        await settled;
      }
    } finally {
      await source.close();
    }
  };
  run().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

interface TextParts {
  /** Columns to read (the selected fields, and for GeoJSON the geometry). */
  columns: ColumnSpec[];
  start: string;
  row(values: Row): string;
  separator: string;
  end: string;
}

function jsonParts(fields: readonly ColumnSpec[]): TextParts {
  const keys = fields.map((c) => JSON.stringify(c.name));
  return {
    columns: [...fields],
    start: '[\n',
    row: (values) => jsonObject(fields, keys, values),
    separator: ',\n',
    end: '\n]\n',
  };
}

/** GeoJSON: one Feature per row, geometry from the geometry item, the selected others as properties. */
function geojsonParts(fields: readonly ColumnSpec[], geometry: ColumnSpec): TextParts {
  const columns = [...fields.filter((c) => c !== geometry), geometry];
  const g = columns.length - 1;
  const keys = columns.map((c) => JSON.stringify(c.name));
  return {
    columns,
    start: '{"type":"FeatureCollection","features":[\n',
    row: (values) =>
      `{"type":"Feature","geometry":${values[g] ?? 'null'},"properties":${jsonObject(columns, keys, values, g)}}`,
    separator: ',\n',
    end: '\n]}\n',
  };
}

function textStream(handle: DatabaseHandle, table: string, batchSize: number, parts: TextParts): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    const source = await openSource(handle, table, batchSize);
    try {
      let first = true;
      let text = parts.start;
      for await (const batch of source.batches(parts.columns)) {
        for (const values of batch) {
          text += (first ? '' : parts.separator) + parts.row(values);
          first = false;
        }
        yield Buffer.from(text, 'utf8');
        text = '';
      }
      yield Buffer.from(text + parts.end, 'utf8');
    } finally {
      await source.close();
    }
  }
  return byteStream(gen());
}

/**
 * Waits for `stream` to drain or `out` to close, whichever comes first; the other listener is
 * removed (a download that waits once per batch must not gather listeners).
 */
async function drainOrClose(stream: Writable, out: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: ac.signal }),
      once(out, 'close', { signal: ac.signal }),
    ]);
  } finally {
    // The loser rejects with an AbortError, which the settled race ignores.
    ac.abort();
  }
}

/** XLSX with exceljs's streaming writer; rows are added only while the client keeps up. */
function xlsxStream(
  handle: DatabaseHandle,
  table: string,
  fields: readonly ColumnSpec[],
  headers: readonly string[],
  entryName: string,
  batchSize: number,
): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const write = async () => {
    const { default: Excel } = await import('exceljs');
    const source = await openSource(handle, table, batchSize);
    try {
      const workbook = new Excel.stream.xlsx.WorkbookWriter({
        stream: out,
        useStyles: true,
        useSharedStrings: false,
      });
      const sheetName = entryName.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'data';
      const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = fields.map((c, i) => ({
        header: headers[i] ?? c.name,
        key: c.column,
        width: Math.min(40, Math.max(10, (headers[i] ?? '').length * 2 + 2)),
        ...(XLSX_FORMATS[c.dataType] ? { style: { numFmt: XLSX_FORMATS[c.dataType] } } : {}),
      }));
      /**
       * The archiver's input stream of the sheet (exceljs's StreamBuf writes into its `pipes`): a
       * readable-stream PassThrough, whose state is `_writableState` rather than `writableNeedDrain`.
       */
      const sheetInput = () =>
        (
          sheet as unknown as {
            stream?: { pipes?: (Writable & { _writableState?: { needDrain?: boolean } })[] };
          }
        ).stream?.pipes?.[0];
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      for await (const batch of source.batches(fields)) {
        if (out.destroyed) return;
        for (const values of batch)
          sheet.addRow(fields.map((c, i) => xlsxValue(c, values[i] ?? null))).commit();
        // exceljs writes the sheet into the zip archiver without back-pressure: wait while the
        // archiver's input is full, and while the client is not taking what was zipped.
        const input = sheetInput();
        if (input && (input.writableNeedDrain || input._writableState?.needDrain))
          await drainOrClose(input, out);
        if (out.writableNeedDrain) await drainOrClose(out, out);
      }
      if (out.destroyed) return;
      sheet.commit();
      await workbook.commit();
    } finally {
      await source.close();
    }
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
