import { AppError, type Message } from '../shared/errors.ts';

export type FormatErrorCode =
  /** The file has no content (zero bytes, or only a byte-order mark and blank lines). */
  | 'file_empty'
  /** A header (or the first records) but no data record. */
  | 'no_data_rows'
  /** NUL bytes: a binary file, not text. */
  | 'not_text'
  /** The bytes are not in the declared or detected encoding; the message says what they look like. */
  | 'encoding_mismatch'
  | 'header_empty'
  | 'header_duplicate'
  /** The records have no fields at all. */
  | 'no_columns'
  /** A CSV record with more or fewer fields than the header. */
  | 'csv_field_count'
  /** Broken quoting (RFC 4180). */
  | 'csv_quote'
  | 'record_too_large'
  | 'xlsx_old_format'
  | 'xlsx_not_zip'
  | 'xlsx_not_workbook'
  /** A zip bomb, or a workbook whose parts exceed the limits. */
  | 'xlsx_too_large'
  | 'xlsx_encrypted'
  | 'xlsx_corrupt'
  | 'xlsx_sheet_not_found'
  /** A cell with a value right of the last header cell. */
  | 'xlsx_value_without_header'
  | 'json_syntax'
  | 'json_not_array'
  /** An array item or NDJSON line that is not an object. */
  | 'json_not_object'
  /** A key first seen after the records from which the headers are taken. */
  | 'json_new_field'
  | 'json_too_deep'
  | 'geojson_not_feature_collection'
  | 'geojson_not_feature'
  | 'geojson_invalid_geometry';

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** How a format counts its records, for messages. */
export type RecordUnit = 'row' | 'line' | 'record' | 'feature';

export interface FormatLocation {
  /** The row (CSV, XLSX: line or row number of the file, the header being 1), line (NDJSON), record (JSON, 1-based) or feature (GeoJSON, 1-based). */
  row?: number;
  /** The column's header, when it has one. */
  column?: string;
  /** The column's position, 1-based. */
  columnNumber?: number;
  /** What `row` counts; `row` unless given. */
  unit?: RecordUnit;
  /** XLSX: the sheet's name (columns are then named by letter). */
  sheet?: string;
}

function placeOf(where: FormatLocation): Message | null {
  const unit = where.unit ?? 'row';
  const parts: Message[] = [];
  if (where.sheet !== undefined) parts.push({ zh: `工作表「${where.sheet}」`, en: `sheet “${where.sheet}”` });
  if (where.row !== undefined) {
    const n = where.row;
    parts.push(
      unit === 'row' || unit === 'line'
        ? { zh: `第 ${n} 行`, en: `${unit} ${n}` }
        : unit === 'record'
          ? { zh: `第 ${n} 条记录`, en: `record ${n}` }
          : { zh: `第 ${n} 个要素（features[${n - 1}]）`, en: `feature ${n} (features[${n - 1}])` },
    );
  }
  if (where.columnNumber !== undefined || where.column !== undefined) {
    const number =
      where.columnNumber === undefined
        ? null
        : where.sheet === undefined
          ? { zh: `第 ${where.columnNumber} 列`, en: `column ${where.columnNumber}` }
          : {
              zh: `${columnLetter(where.columnNumber)} 列`,
              en: `column ${columnLetter(where.columnNumber)}`,
            };
    const name = where.column === undefined || where.column === '' ? null : where.column;
    if (number && name) parts.push({ zh: `${number.zh}（${name}）`, en: `${number.en} (“${name}”)` });
    else if (number) parts.push(number);
    else if (name) parts.push({ zh: `字段「${name}」`, en: `field “${name}”` });
  }
  if (parts.length === 0) return null;
  const en = parts.map((p) => p.en).join(', ');
  return { zh: parts.map((p) => p.zh).join('，'), en: en.charAt(0).toUpperCase() + en.slice(1) };
}

/**
 * A file that cannot be read as the format it was declared in. An AppError (400): the error
 * handler answers it as problem+json, with the place in `fields` and `row` / `column` /
 * `columnNumber` / `sheet` in the body.
 */
export class FormatError extends AppError {
  declare readonly code: FormatErrorCode;
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly columnNumber: number | undefined;
  /** The problem without its place. */
  readonly problem: Message;

  constructor(code: FormatErrorCode, problem: Message, where: FormatLocation = {}) {
    const place = placeOf(where);
    super(
      code,
      400,
      place
        ? { zh: `${place.zh}：${problem.zh}`, en: `${place.en}: ${problem.en}` }
        : { zh: `文件无法读取：${problem.zh}`, en: `The file cannot be read: ${problem.en}` },
      [{ field: place ? place.en : 'file', message: problem }],
      {
        ...(where.row === undefined ? {} : { row: where.row }),
        ...(where.column === undefined ? {} : { column: where.column }),
        ...(where.columnNumber === undefined ? {} : { columnNumber: where.columnNumber }),
        ...(where.sheet === undefined ? {} : { sheet: where.sheet }),
      },
    );
    this.name = 'FormatError';
    this.row = where.row;
    this.column = where.column;
    this.columnNumber = where.columnNumber;
    this.problem = problem;
  }
}
