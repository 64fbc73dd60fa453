/**
 * A streaming RFC 4180 record scanner over decoded text, with the rules csv.ts asked of csv-parse
 * (quote `"`, a quote inside a quoted field doubled, strict quoting, line breaks inside quoted
 * fields, the record delimiter — CRLF, LF or CR — found at the first line break outside quotes,
 * empty lines skipped, a cap on the characters of a record), several times faster: a record without
 * quotes is one `indexOf` and one `split`, a quoted field is found with `indexOf` too. Each record
 * comes with the line it starts on (line breaks inside quoted fields counted as lines).
 */

/** How a record broke the rules; `field` is the 0-based field being read. */
export class CsvScanError extends Error {
  constructor(
    readonly code:
      'quote_not_closed' | 'invalid_closing_quote' | 'invalid_opening_quote' | 'record_too_large',
    readonly line: number,
    readonly field: number | null,
  ) {
    super(code);
  }
}

export interface ScannedRecord {
  fields: string[];
  /** The line the record starts on (1-based). */
  line: number;
}

const QUOTE = '"';

/** Line breaks (CRLF, LF or CR counted once) in s[from, to). */
function lineBreaksIn(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (s.charCodeAt(i + 1) === 10 && i + 1 < to) i++;
    }
  }
  return n;
}

/** The next place of one character in a text that does not change between resets. */
class Cursor {
  private from = 0;
  private at = -2;
  constructor(private readonly char: string) {}
  reset(): void {
    this.at = -2;
  }
  next(text: string, from: number): number {
    if (this.at !== -2 && from >= this.from && (this.at === -1 || this.at >= from)) return this.at;
    this.from = from;
    this.at = text.indexOf(this.char, from);
    return this.at;
  }
}

/** Where a record ends: the record delimiter at `at`, `length` characters long. */
interface Break {
  at: number;
  length: number;
}

/** Records of the text, read chunk by chunk. */
export async function* scanCsv(
  texts: AsyncIterable<string>,
  delimiter: string,
  maxRecordChars: number,
): AsyncGenerator<ScannedRecord, void, undefined> {
  let buf = '';
  /** The record delimiter, once found at the first line break outside quotes. */
  let rd: string | null = null;
  let line = 1;
  let eof = false;
  const source = texts[Symbol.asyncIterator]();
  // The next quote, CR and LF in buf: records without them would otherwise search to the end of
  // buf each time.
  const quotes = new Cursor(QUOTE);
  const crs = new Cursor('\r');
  const lfs = new Cursor('\n');
  const nextQuote = (from: number) => quotes.next(buf, from);

  /**
   * The first record delimiter in buf[from, limit): a Break, null when there is none, undefined when
   * that cannot be known before more text arrives (a CR at the end of the text so far).
   */
  const breakBefore = (from: number, limit: number): Break | null | undefined => {
    if (rd !== null) {
      const at = buf.indexOf(rd, from);
      if (at >= 0 && at < limit) return { at, length: rd.length };
      // A CRLF delimiter whose CR ends the text so far.
      if (rd === '\r\n' && !eof && limit >= buf.length && buf.charCodeAt(buf.length - 1) === 13)
        return undefined;
      return null;
    }
    let lf = buf.indexOf('\n', from);
    let cr = buf.indexOf('\r', from);
    if (lf >= limit) lf = -1;
    if (cr >= limit) cr = -1;
    const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
    if (at < 0) return null;
    if (at === cr) {
      if (at + 1 >= buf.length && !eof) return undefined;
      rd = buf.charCodeAt(at + 1) === 10 ? '\r\n' : '\r';
    } else rd = '\n';
    return { at, length: rd.length };
  };

  /**
   * The record starting at `p`: its fields, where the next one starts and the line breaks it spans;
   * null when buf does not hold all of it yet.
   */
  const record = (p: number): { fields: string[]; end: number; lines: number } | null => {
    const quote = nextQuote(p);
    const plain = breakBefore(p, quote < 0 ? buf.length : quote);
    if (plain === undefined) return null;
    if (plain !== null) {
      // The usual case: no quote before the end of the line (and, almost always, no other line break).
      const cr = crs.next(buf, p);
      const lf = lfs.next(buf, p);
      const other = (cr >= 0 && cr < plain.at) || (lf >= 0 && lf < plain.at);
      return {
        fields: buf.slice(p, plain.at).split(delimiter),
        end: plain.at + plain.length,
        lines: 1 + (other ? lineBreaksIn(buf, p, plain.at) : 0),
      };
    }
    if (quote < 0) {
      if (!eof) return null;
      return {
        fields: buf.slice(p).split(delimiter),
        end: buf.length,
        lines: lineBreaksIn(buf, p, buf.length),
      };
    }
    // A record with quotes: field by field.
    const fields: string[] = [];
    let q = p;
    let lines = 0;
    for (;;) {
      if (buf.charCodeAt(q) === 34) {
        let value = '';
        let from = q + 1;
        for (;;) {
          const close = buf.indexOf(QUOTE, from);
          if (close < 0 || (close + 1 >= buf.length && !eof)) {
            if (!eof) return null;
            throw new CsvScanError('quote_not_closed', line + lines, fields.length);
          }
          if (buf.charCodeAt(close + 1) === 34) {
            value += buf.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += buf.slice(from, close);
          lines += lineBreaksIn(buf, q, close);
          q = close + 1;
          break;
        }
        fields.push(value);
        if (q >= buf.length) return { fields, end: q, lines };
        if (buf.startsWith(delimiter, q)) {
          q += delimiter.length;
          if (q >= buf.length) {
            if (!eof) return null;
            fields.push('');
            return { fields, end: q, lines };
          }
          continue;
        }
        const after = breakBefore(q, q + 2);
        if (after === undefined) return null;
        if (after !== null && after.at === q) return { fields, end: q + after.length, lines: lines + 1 };
        throw new CsvScanError('invalid_closing_quote', line + lines, fields.length - 1);
      }
      // An unquoted field: up to the delimiter or the end of the record; a quote in it is an error.
      const d = buf.indexOf(delimiter, q);
      const qt = nextQuote(q);
      const limit = Math.min(d < 0 ? buf.length : d, qt < 0 ? buf.length : qt);
      const end = breakBefore(q, limit);
      if (end === undefined) return null;
      if (end !== null) {
        fields.push(buf.slice(q, end.at));
        lines += lineBreaksIn(buf, q, end.at);
        return { fields, end: end.at + end.length, lines: lines + 1 };
      }
      if (qt >= 0 && (d < 0 || qt < d))
        throw new CsvScanError('invalid_opening_quote', line + lines, fields.length);
      if (d < 0) {
        if (!eof) return null;
        fields.push(buf.slice(q));
        lines += lineBreaksIn(buf, q, buf.length);
        return { fields, end: buf.length, lines };
      }
      fields.push(buf.slice(q, d));
      lines += lineBreaksIn(buf, q, d);
      q = d + delimiter.length;
      if (q >= buf.length) {
        if (!eof) return null;
        fields.push('');
        return { fields, end: q, lines };
      }
    }
  };

  let p = 0;
  for (;;) {
    if (!eof) {
      const next = await source.next();
      if (next.done) eof = true;
      else {
        buf = buf.slice(p) + next.value;
        p = 0;
        quotes.reset();
        crs.reset();
        lfs.reset();
      }
    }
    while (p < buf.length) {
      // An empty line is skipped (and counted).
      const c = buf.charCodeAt(p);
      if (c === 10 || c === 13) {
        const empty = breakBefore(p, p + 2);
        if (empty === undefined) break;
        if (empty !== null && empty.at === p) {
          p += empty.length;
          line++;
          continue;
        }
      }
      const r = record(p);
      if (r === null) {
        if (buf.length - p > maxRecordChars) throw new CsvScanError('record_too_large', line, null);
        break;
      }
      if (r.end - p > maxRecordChars) throw new CsvScanError('record_too_large', line, null);
      yield { fields: r.fields, line };
      line += r.lines;
      p = r.end;
    }
    if (eof) return;
  }
}
