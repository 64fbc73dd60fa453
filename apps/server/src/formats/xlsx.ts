/**
 * XLSX, streamed with exceljs' WorkbookReader, behind the shared zip guard.
 *
 * The file is never handed to exceljs as it is. The zip's central directory is checked first
 * (entries, ZIP64, declared sizes, compression ratio) and the sheet is chosen from workbook.xml and
 * its relationships (read with saxes, the XML parser exceljs itself uses). exceljs then reads a
 * stored zip that this module streams to it, holding only the parts needed for cell values —
 * workbook, relationships, styles (for dates), shared strings and the one chosen sheet, in the
 * order that lets exceljs stream the sheet instead of spilling it to a temporary file — each part
 * inflated to at most its declared size and checked against its CRC-32, so a zip bomb that lies
 * about its size stops at the size it declared.
 *
 * Memory: rows stream; the shared-strings table is held in memory by exceljs (that is how XLSX
 * works), which is why its size is limited (XLSX_READ_LIMITS.sharedStringsBytes).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type ExcelJS from 'exceljs';
import type { CellValue, Row } from 'exceljs';
import { SaxesParser } from 'saxes';
import {
  entryDataRange,
  fileSource,
  inflateEntry,
  inflateEntryStream,
  readCentralDirectory,
  storedZipStream,
  ZipGuardError,
  type StoredPart,
  type ZipEntry,
  type ZipSource,
} from '../shared/zip-guard.ts';
import { checkHeaders, dateText, foldHeader, numberText } from './cells.ts';
import { columnLetter, FormatError, type FormatLocation } from './format-error.ts';
import { FileReading, type OpenedSource } from './row-source.ts';
import type { OpenOptions, SourceRow } from './types.ts';

const MiB = 1024 * 1024;

export const XLSX_READ_LIMITS = {
  /** Entries of the zip's central directory. */
  zipEntries: 10_000,
  /** workbook.xml, its relationships and styles.xml, each (read into memory). */
  smallPartBytes: 16 * MiB,
  /** The shared-strings table, which exceljs keeps in memory while the sheet is read. */
  sharedStringsBytes: 128 * MiB,
  /**
   * A part that inflates more than this many times its compressed size is taken for a zip bomb,
   * once it is larger than `ratioFromBytes` (deflate cannot exceed about 1032; real sheets stay
   * well below 200).
   */
  maxRatio: 500,
  ratioFromBytes: 16 * MiB,
} as const;

/** exceljs is large: loaded on first use. */
let exceljs: Promise<typeof ExcelJS> | undefined;
const loadExcel = () => (exceljs ??= import('exceljs').then((m) => m.default));

const notXlsx = (zh: string, en: string) =>
  new FormatError('xlsx_not_zip', {
    zh: `不是有效的 Excel 工作簿（.xlsx）${zh}`,
    en: `it is not a valid Excel workbook (.xlsx)${en}`,
  });
const corrupt = (zh = '', en = '') =>
  new FormatError('xlsx_corrupt', {
    zh: `Excel 工作簿已损坏，无法读取${zh}`,
    en: `the Excel workbook is damaged and cannot be read${en}`,
  });
const tooLarge = (zh: string, en: string) => new FormatError('xlsx_too_large', { zh, en });

function zipRefusal(err: unknown): Error {
  if (!(err instanceof ZipGuardError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.problem) {
    case 'not_zip':
      return notXlsx('：文件不完整，或不是 zip 格式', ': it is truncated, or not a zip archive');
    case 'malformed':
      return corrupt('（压缩包结构错误）', ' (the zip structure is inconsistent)');
    case 'zip64':
      return tooLarge(
        '工作簿过大（超过 4 GB，ZIP64），请改用 CSV 格式',
        'the workbook is too large (over 4 GB, ZIP64); use CSV',
      );
    case 'too_many_entries':
      return tooLarge(
        `工作簿包含的部件超过 ${XLSX_READ_LIMITS.zipEntries} 个`,
        `the workbook has more than ${XLSX_READ_LIMITS.zipEntries} parts`,
      );
    case 'duplicate_entry':
      return corrupt('（部件重复）', ' (duplicate parts)');
    case 'encrypted':
      return new FormatError('xlsx_encrypted', {
        zh: '工作簿已加密，请取消密码保护后再上传',
        en: 'the workbook is encrypted; remove the password and upload it again',
      });
    case 'unsupported_method':
      return corrupt('（不支持的压缩方式）', ' (unsupported compression method)');
    case 'corrupt_data':
      return corrupt(
        '（压缩数据损坏，或解压后的大小与声明不符，可能是 zip 炸弹）',
        ' (corrupt compressed data, or data larger than declared: possibly a zip bomb)',
      );
  }
}

// ---------- workbook.xml and its relationships ----------

interface SheetRef {
  name: string;
  /** The sheet's part in the zip, e.g. xl/worksheets/sheet1.xml. */
  part: string | null;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function parseXml(xml: string, onTag: (name: string, attributes: Record<string, string>) => void): void {
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (tag) => onTag(localName(tag.name), tag.attributes));
  try {
    parser.write(xml).close();
  } catch {
    throw corrupt('（XML 格式错误）', ' (malformed XML)');
  }
}

/** The sheets of the workbook in tab order, each with its part. */
function sheetsOf(workbookXml: string, relsXml: string): SheetRef[] {
  const targets = new Map<string, string>();
  parseXml(relsXml, (name, a) => {
    if (name === 'Relationship' && a.Id !== undefined && a.Target !== undefined) targets.set(a.Id, a.Target);
  });
  const sheets: SheetRef[] = [];
  parseXml(workbookXml, (name, a) => {
    if (name !== 'sheet') return;
    // The relationship id is r:id, whatever the namespace prefix is called.
    const rid = Object.entries(a).find(([k]) => k.includes(':') && localName(k) === 'id')?.[1];
    const target = rid === undefined ? undefined : targets.get(rid);
    const part =
      target === undefined
        ? null
        : target.startsWith('/')
          ? target.slice(1)
          : posix.normalize(posix.join('xl', target));
    sheets.push({ name: a.name ?? '', part });
  });
  return sheets;
}

function chooseSheet(sheets: SheetRef[], wanted: string | number | undefined): SheetRef {
  const list = sheets.map((s) => `「${s.name}」`).join('、');
  const listEn = sheets.map((s) => `“${s.name}”`).join(', ');
  let chosen: SheetRef | undefined;
  if (wanted === undefined) chosen = sheets[0];
  else if (typeof wanted === 'number') {
    chosen = Number.isInteger(wanted) && wanted >= 1 ? sheets[wanted - 1] : undefined;
    if (!chosen)
      throw new FormatError('xlsx_sheet_not_found', {
        zh: `工作簿只有 ${sheets.length} 个工作表（${list}），没有第 ${wanted} 个`,
        en: `the workbook has ${sheets.length} sheet(s) (${listEn}), not a sheet number ${wanted}`,
      });
  } else {
    chosen =
      sheets.find((s) => s.name === wanted) ?? sheets.find((s) => foldHeader(s.name) === foldHeader(wanted));
    if (!chosen)
      throw new FormatError('xlsx_sheet_not_found', {
        zh: `工作簿中没有名为「${wanted}」的工作表，现有：${list}`,
        en: `the workbook has no sheet named “${wanted}”; it has ${listEn}`,
      });
  }
  if (!chosen) throw corrupt('（工作簿中没有工作表）', ' (the workbook has no sheet)');
  return chosen;
}

// ---------- cells ----------

/** A cell as text (see SourceRow.values); null when empty. */
export function cellText(v: CellValue): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : dateText(v);
  if ('error' in v) return v.error;
  if ('richText' in v) return cellText(v.richText.map((r) => r.text).join(''));
  if ('hyperlink' in v) return typeof v.text === 'string' ? cellText(v.text) : null;
  if ('formula' in v || 'sharedFormula' in v) return v.result === undefined ? null : cellText(v.result);
  return null;
}

function rowCells(row: Row): Map<number, string> {
  const cells = new Map<number, string>();
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const text = cellText(cell.value);
    if (text !== null) cells.set(col, text);
  });
  return cells;
}

// ---------- opening ----------

async function checkedDirectory(src: ZipSource): Promise<ZipEntry[]> {
  const head = await src.read(0, 8);
  if (head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0)
    throw new FormatError('xlsx_old_format', {
      zh: '这是旧版 Excel 97-2003（.xls）文件或加密的工作簿，请在 Excel 中另存为 .xlsx 后再上传',
      en: 'this is an old Excel 97-2003 (.xls) file or an encrypted workbook; save it as .xlsx first',
    });
  if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50)
    throw notXlsx(
      '：不是 zip 格式（如果是 CSV 文件，请选择 CSV 格式）',
      ': it is not a zip archive (if it is a CSV file, choose the CSV format)',
    );
  return readCentralDirectory(src, XLSX_READ_LIMITS.zipEntries);
}

function checkSize(e: ZipEntry, limit: number, what: { zh: string; en: string }) {
  if (e.size > limit)
    throw tooLarge(
      `工作簿的${what.zh}解压后超过 ${limit / MiB} MB，请改用 CSV 格式`,
      `the workbook's ${what.en} is larger than ${limit / MiB} MB uncompressed; use CSV`,
    );
  if (e.size > XLSX_READ_LIMITS.ratioFromBytes && e.size > e.compressedSize * XLSX_READ_LIMITS.maxRatio)
    throw tooLarge(
      `工作簿的${what.zh}压缩比超过 ${XLSX_READ_LIMITS.maxRatio} 倍（${e.compressedSize} 字节解压为 ${e.size} 字节），疑似 zip 炸弹`,
      `the workbook's ${what.en} inflates more than ${XLSX_READ_LIMITS.maxRatio} times (${e.compressedSize} bytes to ${e.size}): a suspected zip bomb`,
    );
}

/**
 * The same bytes in chunks that never end inside a UTF-8 character. exceljs' streaming reader
 * decodes each chunk of a part on its own (exceljs 4.4, utils/browser-buffer-decode.js), so a
 * Chinese character split between two chunks would come out as two U+FFFD; the chunks it gets are
 * the ones given here (unzipper passes a stored entry's chunks through as they are written).
 */
export async function* utf8Aligned(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    // Back up over continuation bytes to the last lead byte; keep it if its sequence is cut.
    let end = buf.length;
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && ((buf[end - back - 1] ?? 0) & 0xc0) === 0x80) back++;
    const lead = buf[end - back - 1];
    if (lead !== undefined && lead >= 0xc0) {
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      if (back + 1 < need) end -= back + 1;
    }
    carry = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
    if (end > 0) yield buf.subarray(0, end);
  }
  if (carry) yield carry;
}

const EMPTY_SST = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);

export async function openXlsx(file: string, options: OpenOptions): Promise<OpenedSource> {
  let handle: FileHandle | undefined = await open(file, 'r');
  const reading = new FileReading();
  // exceljs does not see an error of its input stream and would wait for it for ever: every step
  // of it is raced against the input's failure. (Not with Promise.race on one pending promise:
  // each race would stay subscribed to it, holding its row, until the end of the file.)
  let failed: Error | undefined;
  const waiting = new Set<(err: Error) => void>();
  const fail = (err: Error) => {
    failed ??= err;
    for (const reject of waiting) reject(failed);
    waiting.clear();
  };
  let input: Readable | undefined;
  const release = async () => {
    input?.destroy();
    await handle?.close();
    handle = undefined;
  };

  try {
    const src = await fileSource(handle);
    if (src.size === 0) throw new FormatError('file_empty', { zh: '文件为空', en: 'the file is empty' });
    const entries = await checkedDirectory(src).catch((err: unknown) => {
      throw zipRefusal(err);
    });
    const byName = new Map(entries.map((e) => [e.name, e]));
    const workbookEntry = byName.get('xl/workbook.xml');
    const relsEntry = byName.get('xl/_rels/workbook.xml.rels');
    if (!workbookEntry || !relsEntry || !byName.has('[Content_Types].xml'))
      throw new FormatError('xlsx_not_workbook', {
        zh: '压缩包中没有 Excel 工作簿（不是 .xlsx 文件）',
        en: 'the zip archive holds no Excel workbook (it is not an .xlsx file)',
      });
    checkSize(workbookEntry, XLSX_READ_LIMITS.smallPartBytes, {
      zh: '目录（workbook.xml）',
      en: 'workbook.xml',
    });
    checkSize(relsEntry, XLSX_READ_LIMITS.smallPartBytes, { zh: '关系表', en: 'relationships' });
    const [workbookXml, relsXml] = await Promise.all([
      inflateEntry(src, workbookEntry),
      inflateEntry(src, relsEntry),
    ]).catch((err: unknown) => {
      throw zipRefusal(err);
    });
    const workbookSheets = sheetsOf(workbookXml.toString('utf8'), relsXml.toString('utf8'));
    const sheet = chooseSheet(workbookSheets, options.sheet);
    const sheetEntry = sheet.part === null ? undefined : byName.get(sheet.part);
    if (!sheetEntry)
      throw corrupt(
        `（找不到工作表「${sheet.name}」的内容）`,
        ` (the content of sheet “${sheet.name}” is missing)`,
      );
    checkSize(sheetEntry, Number.MAX_SAFE_INTEGER, {
      zh: `工作表「${sheet.name}」`,
      en: `sheet “${sheet.name}”`,
    });
    const stylesEntry = byName.get('xl/styles.xml');
    if (stylesEntry) checkSize(stylesEntry, XLSX_READ_LIMITS.smallPartBytes, { zh: '样式表', en: 'styles' });
    const sstEntry = byName.get('xl/sharedStrings.xml');
    if (sstEntry)
      checkSize(sstEntry, XLSX_READ_LIMITS.sharedStringsBytes, { zh: '共享字符串表', en: 'shared strings' });

    const fromFile = async (e: ZipEntry, name = e.name): Promise<StoredPart> => {
      const { start, end } = await entryDataRange(src, e).catch((err: unknown) => {
        throw zipRefusal(err);
      });
      return {
        name,
        size: e.size,
        crc32: e.crc32,
        data: () => utf8Aligned(inflateEntryStream(e, reading.chunks(file, start, end))),
      };
    };
    const inMemory = (name: string, data: Buffer): StoredPart => ({
      name,
      size: data.length,
      crc32: crc32(data),
      data,
    });
    // exceljs streams a sheet only once it has the relationships and the shared strings.
    const parts: StoredPart[] = [
      inMemory('xl/_rels/workbook.xml.rels', relsXml),
      inMemory('xl/workbook.xml', workbookXml),
      ...(stylesEntry ? [await fromFile(stylesEntry)] : []),
      sstEntry ? await fromFile(sstEntry) : inMemory('xl/sharedStrings.xml', EMPTY_SST),
      await fromFile(sheetEntry, 'xl/worksheets/sheet1.xml'),
    ];

    const Excel = await loadExcel();
    input = Readable.from(storedZipStream(parts), { objectMode: false });
    input.on('error', (err) => fail(zipRefusal(err)));
    const reader = new Excel.stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    const step = <T>(p: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const onFailure = (err: Error) => reject(err);
        if (failed) return reject(failed);
        waiting.add(onFailure);
        p.then(
          (value) => {
            waiting.delete(onFailure);
            if (failed) reject(failed);
            else resolve(value);
          },
          (err: unknown) => {
            waiting.delete(onFailure);
            reject(failed ?? (err instanceof FormatError ? err : corrupt()));
          },
        );
      });
    const sheets = reader[Symbol.asyncIterator]();
    const ws = await step(sheets.next());
    if (ws.done)
      throw corrupt(
        `（找不到工作表「${sheet.name}」的内容）`,
        ` (the content of sheet “${sheet.name}” is missing)`,
      );
    const rowIterator = ws.value[Symbol.asyncIterator]();

    const where = (row: number, col: number): FormatLocation => ({
      sheet: sheet.name,
      row,
      columnNumber: col,
    });
    let previous = 0;
    async function* cellRows(): AsyncGenerator<
      { number: number; cells: Map<number, string> },
      void,
      undefined
    > {
      try {
        for (;;) {
          const next = await step(rowIterator.next());
          if (next.done) {
            // The sheet was the last part: reading on checks its length and CRC-32.
            await step(sheets.next());
            return;
          }
          const number = Number.isFinite(next.value.number) ? next.value.number : previous + 1;
          previous = number;
          const cells = rowCells(next.value);
          if (cells.size > 0) yield { number, cells };
        }
      } finally {
        input?.destroy();
        // exceljs may still wait on its input: its generators are told to stop, not awaited.
        rowIterator.return?.(undefined).catch(() => undefined);
        sheets.return?.(undefined).catch(() => undefined);
      }
    }
    const source = cellRows();
    const head = await source.next();
    if (head.done)
      throw new FormatError('file_empty', {
        zh: `工作表「${sheet.name}」是空的，没有表头和数据`,
        en: `the sheet “${sheet.name}” is empty: no header, no data`,
      });
    // The table may start right of column A: the header spans its first to its last non-empty cell.
    const first = Math.min(...head.value.cells.keys());
    const last = Math.max(...head.value.cells.keys());
    const headers = Array.from({ length: last - first + 1 }, (_, i) =>
      (head.value.cells.get(first + i) ?? '').trim(),
    );
    checkHeaders(headers, (i) => where(head.value.number, first + i));

    async function* records(): AsyncGenerator<SourceRow, void, undefined> {
      for await (const { number, cells } of source) {
        const values: (string | null)[] = headers.map(() => null);
        for (const [col, text] of cells) {
          if (col < first || col > last) {
            const hint =
              headers.length === 1
                ? {
                    zh: '。如表头上方有标题行，请删除标题行',
                    en: '. If a title row stands above the header, remove it',
                  }
                : { zh: '', en: '' };
            throw new FormatError(
              'xlsx_value_without_header',
              {
                zh: `单元格有值「${text.slice(0, 50)}」，但这一列没有表头（表头在 ${columnLetter(first)} 到 ${columnLetter(last)} 列）${hint.zh}`,
                en: `the cell holds “${text.slice(0, 50)}” but its column has no header (the header spans columns ${columnLetter(first)} to ${columnLetter(last)})${hint.en}`,
              },
              where(number, col),
            );
          }
          values[col - first] = text;
        }
        yield { record: number, values };
      }
    }
    return {
      headers,
      records: records(),
      reading,
      release,
      sheet: sheet.name,
      sheets: workbookSheets.map((s) => s.name),
    };
  } catch (err) {
    reading.close();
    await release();
    throw err;
  }
}
