import * as values from '@huitong/contract/values';
import type { Geometry } from './geometry.ts';

import type { SourceEncoding, SourceFormat } from '@huitong/contract/values';

/** The formats read and the encodings an uploader may choose (`auto` detects it): the contract's lists. */
export type { SourceEncoding, SourceFormat };
export const SOURCE_FORMATS: readonly SourceFormat[] = values.SOURCE_FORMATS;
/** The encoding a text file was read in (UTF-16 only when the file starts with its byte-order mark). */
export type TextEncoding = 'utf8' | 'gbk' | 'gb18030' | 'utf16le' | 'utf16be';

/** The CSV delimiters that are detected when none is given. */
export const DETECTED_DELIMITERS = [',', '\t', ';', '|'] as const;

export interface OpenOptions {
  format: SourceFormat;
  /**
   * Text formats (CSV, JSON, NDJSON, GeoJSON): the encoding; `auto` (the default) takes a
   * byte-order mark, else UTF-8 when the first 64 KiB are valid UTF-8, else GB18030. A declared
   * encoding that the bytes contradict is a FormatError saying what the file looks like.
   */
  encoding?: SourceEncoding;
  /** CSV only: the field delimiter (one character); detected among , TAB ; | when not given. */
  delimiter?: string;
  /** XLSX only: the sheet, by name or by 1-based position in the workbook's tab order; the first by default. */
  sheet?: string | number;
}

export interface SourceRow {
  /**
   * Where the record is, 1-based: CSV the line of the file where it starts and XLSX its row (the
   * header being 1 when it is the first line or row); JSON its position in the array; NDJSON its
   * line; GeoJSON its position in `features` (so `features[record - 1]`).
   */
  record: number;
  /**
   * The cells, aligned with `headers`, as text: `null` for an empty or missing cell (CSV and XLSX
   * cannot tell an empty text from no value; JSON `""` stays `""`). XLSX numbers are written
   * without exponent and dates as `YYYY-MM-DD` (or `YYYY-MM-DDTHH:mm:ss`); booleans are `true` /
   * `false`; a JSON object or array inside a record is its JSON text.
   */
  values: (string | null)[];
  /** GeoJSON only: the feature's geometry, checked (null for a feature without location). */
  geometry?: Geometry | null;
}

export interface RowSource {
  format: SourceFormat;
  /** Field names, in order: the header row (CSV, XLSX) or the keys of the records (JSON formats). */
  headers: string[];
  /** Text formats: the encoding the file is read in. */
  encoding?: TextEncoding;
  /** CSV: the delimiter used (given or detected). */
  delimiter?: string;
  /** XLSX: the name of the sheet read. */
  sheet?: string;
  /** XLSX: every sheet's name, in tab order. */
  sheets?: string[];
  /**
   * The data records, read as they are iterated (iterate once). The first is already checked when
   * the source opens; a later problem ends the iteration with a FormatError. Breaking out of the
   * loop closes the source.
   */
  rows: AsyncIterable<SourceRow>;
  /** Bytes of the file read so far (for progress against the file's size). */
  bytesRead(): number;
  /** Releases the file; safe to call more than once, and after the rows were read to the end. */
  close(): Promise<void>;
}
