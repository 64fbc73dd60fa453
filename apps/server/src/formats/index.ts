/**
 * Reading the files of data provision: CSV (UTF-8, GBK, GB18030; any delimiter), XLSX, JSON,
 * NDJSON and GeoJSON, as a stream of rows of text cells aligned with a header, in constant memory.
 * Every unreadable file is a FormatError (an AppError, 400) naming the problem and, where it
 * applies, the row and column, in Chinese and English.
 */
export { openRowSource } from './open.ts';
export { FormatError, type FormatErrorCode, type FormatLocation, type RecordUnit } from './format-error.ts';
export type { Geometry, Position } from './geometry.ts';
export {
  DETECTED_DELIMITERS,
  SOURCE_FORMATS,
  type OpenOptions,
  type RowSource,
  type SourceEncoding,
  type SourceFormat,
  type SourceRow,
  type TextEncoding,
} from './types.ts';
export { CSV_MAX_RECORD_CHARS } from './csv.ts';
export { JSON_HEADER_LOOKAHEAD } from './json.ts';
export { JSON_LIMITS } from './json-values.ts';
export { XLSX_READ_LIMITS } from './xlsx.ts';
