/**
 * CSV (RFC 4180), read with the scanner of csv-scan.ts (csv-parse only sniffs the delimiter of the
 * first lines): any delimiter, fields quoted with `"` (a quote inside a quoted
 * field doubled), line breaks inside quoted fields, CRLF or LF. Quoting is strict: a quote in an
 * unquoted field, or text after a closing quote, is an error rather than a guess. Blank lines and
 * records whose fields are all empty are skipped.
 */
import { CsvError } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { invalidField } from '../shared/errors.ts';
import { checkHeaders } from './cells.ts';
import { CsvScanError, scanCsv } from './csv-scan.ts';
import { FormatError } from './format-error.ts';
import { FileReading, type OpenedSource } from './row-source.ts';
import { decodeSample, decodeText, detectEncoding, readSample, SAMPLE_BYTES } from './text.ts';
import { DETECTED_DELIMITERS, type OpenOptions, type SourceRow } from './types.ts';

/** Characters of one record (csv-parse's `max_record_size`): guards against a wrong delimiter or a runaway quote. */
export const CSV_MAX_RECORD_CHARS = 8 * 1024 * 1024;

const LINE_BREAK = /[\r\n]/;

const isBlank = (fields: string[]) => fields.every((f) => f === '');

/**
 * The delimiter among , TAB ; | that splits the sample into the most records with as many fields
 * as the header (at least two); `,` when none does (a file with a single column).
 */
export function sniffDelimiter(sample: string, complete: boolean): string {
  // An incomplete sample is cut at its last line break; a quoted field cut there is expected.
  const cut = complete ? sample : sample.slice(0, Math.max(0, sample.lastIndexOf('\n') + 1));
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DETECTED_DELIMITERS) {
    const counts: number[] = [];
    try {
      parseSync(cut, {
        delimiter,
        relax_column_count: true,
        skip_empty_lines: true,
        to_line: 200,
        on_record: (record: string[]) => {
          if (!isBlank(record)) counts.push(record.length);
          return null;
        },
      });
    } catch (err) {
      if (complete || !(err instanceof CsvError && err.code === 'CSV_QUOTE_NOT_CLOSED')) continue;
    }
    const [header, ...rest] = counts;
    if (header === undefined || header < 2) continue;
    const score = 1 + rest.reduce((n, c) => n + (c === header ? 1 : -1), 0);
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

function checkDelimiter(d: string): string {
  if ([...d].length !== 1 || d === '"' || LINE_BREAK.test(d))
    throw invalidField(
      'delimiter',
      '须为一个字符，且不能是双引号或换行符',
      'must be one character, neither a double quote nor a line break',
    );
  return d;
}

interface Located {
  fields: string[];
  /** The line where the record starts. */
  line: number;
}

export async function openCsv(file: string, options: OpenOptions): Promise<OpenedSource> {
  const delimiterOption = options.delimiter === undefined ? undefined : checkDelimiter(options.delimiter);
  const { sample, size } = await readSample(file);
  const empty = () =>
    new FormatError('file_empty', {
      zh: '文件为空，没有表头和数据',
      en: 'the file is empty: no header, no data',
    });
  if (size === 0) throw empty();
  const complete = size <= SAMPLE_BYTES;
  const declared = options.encoding ?? 'auto';
  const encoding = detectEncoding(sample, complete, declared, 'row');
  const text = decodeSample(sample, encoding);
  if (complete && text.trim() === '') throw empty();
  const delimiter = delimiterOption ?? sniffDelimiter(text, complete);

  // Records with the line each starts on, from the scanner (csv-scan.ts): blank lines skipped and
  // counted, line breaks inside quoted fields counted.
  let headerNames: string[] | null = null;
  const reading = new FileReading();
  const texts = decodeText(reading.chunks(file), encoding, 'row', declared === 'auto');

  let headers: string[] = [];
  const columnAt = (index: number) => {
    const name = (headers.length > 0 ? headers : (headerNames ?? []))[index];
    return { columnNumber: index + 1, ...(name === undefined ? {} : { column: name }) };
  };
  const csvError = (err: unknown): Error => {
    if (!(err instanceof CsvScanError)) return err instanceof Error ? err : new Error(String(err));
    const column = err.field === null ? {} : columnAt(err.field);
    const at = err.line;
    const code: string = err.code;
    switch (code) {
      case 'quote_not_closed':
        return new FormatError(
          'csv_quote',
          {
            zh: '此处开始的带引号字段直到文件末尾都没有闭合的双引号。字段内的双引号须写成两个（""）',
            en: 'the quoted field that starts here has no closing double quote before the end of the file. A double quote inside a field must be doubled ("")',
          },
          { row: at, ...column },
        );
      case 'invalid_closing_quote':
        return new FormatError(
          'csv_quote',
          {
            zh: `带引号的字段在闭合的双引号之后还有其他字符（应紧跟分隔符“${delimiter === '\t' ? '制表符' : delimiter}”或换行）。字段内的双引号须写成两个（""）`,
            en: `a quoted field has more characters after its closing double quote (where the delimiter “${delimiter === '\t' ? 'TAB' : delimiter}” or a line break should follow). A double quote inside a field must be doubled ("")`,
          },
          { row: at, ...column },
        );
      case 'invalid_opening_quote':
        return new FormatError(
          'csv_quote',
          {
            zh: '未加引号的字段中出现了双引号。含双引号的字段须整体用双引号括起来，其中的双引号写成两个（""）',
            en: 'a double quote appears inside an unquoted field. A field with a double quote must be enclosed in double quotes, the quote inside doubled ("")',
          },
          { row: at, ...column },
        );
      case 'record_too_large':
        return new FormatError(
          'record_too_large',
          {
            zh: `记录超过 ${CSV_MAX_RECORD_CHARS} 个字符。可能是分隔符不对，或有未闭合的双引号`,
            en: `the record is longer than ${CSV_MAX_RECORD_CHARS} characters: perhaps the delimiter is wrong, or a double quote is not closed`,
          },
          { row: at },
        );
      default:
        return new FormatError(
          'csv_quote',
          { zh: `无法解析：${err.message}`, en: `cannot be parsed: ${err.message}` },
          {
            row: at,
          },
        );
    }
  };

  async function* located(): AsyncGenerator<Located, void, undefined> {
    try {
      for await (const { fields, line } of scanCsv(texts, delimiter, CSV_MAX_RECORD_CHARS)) {
        if (isBlank(fields)) continue;
        headerNames ??= fields.map((f) => f.trim());
        yield { fields, line };
      }
    } catch (err) {
      throw csvError(err);
    } finally {
      await texts.return(undefined);
    }
  }

  const source = located();
  const head = await source.next().catch(async (err: unknown) => {
    await source.return(undefined);
    throw err;
  });
  if (head.done) {
    reading.close();
    throw empty();
  }
  headers = head.value.fields.map((h) => h.trim());
  try {
    checkHeaders(headers, (i) => ({ row: head.value.line, columnNumber: i + 1 }));
  } catch (err) {
    await source.return(undefined);
    throw err;
  }

  async function* records(): AsyncGenerator<SourceRow, void, undefined> {
    for await (const { fields, line } of source) {
      if (fields.length !== headers.length) {
        const expected = headers.length;
        const actual = fields.length;
        throw new FormatError(
          'csv_field_count',
          actual > expected
            ? {
                zh: `有 ${actual} 个字段，比表头的 ${expected} 个多（第 ${expected + 1} 列没有表头）。含分隔符的字段须用双引号括起来`,
                en: `has ${actual} fields, more than the ${expected} of the header (column ${expected + 1} has no header). A field that contains the delimiter must be enclosed in double quotes`,
              }
            : {
                zh: `只有 ${actual} 个字段，比表头的 ${expected} 个少（缺少从「${headers[actual] ?? ''}」起的 ${expected - actual} 列）`,
                en: `has only ${actual} fields, fewer than the ${expected} of the header (${expected - actual} missing from “${headers[actual] ?? ''}” on)`,
              },
          { row: line, ...columnAt(Math.min(actual, expected)) },
        );
      }
      yield { record: line, values: fields.map((f) => (f === '' ? null : f)) };
    }
  }

  return { headers, records: records(), reading, encoding, delimiter };
}
