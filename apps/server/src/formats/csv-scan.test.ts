/**
 * The CSV scanner against csv-parse (which csv.ts used before, with the same options): the same
 * records from thousands of generated texts — quotes, doubled quotes, delimiters and line breaks
 * inside quoted fields, CRLF / LF / CR, blank lines, Chinese text — cut into chunks at random places;
 * and the same verdict on broken quoting.
 */
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvScanError, scanCsv } from './csv-scan.ts';

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function* chunks(text: string, next: () => number, max: number) {
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(next() * max);
    yield text.slice(i, i + n);
    i += n;
  }
}

async function scan(text: string, delimiter: string, next: () => number, max: number) {
  const out: { fields: string[]; line: number }[] = [];
  for await (const r of scanCsv(chunks(text, next, max), delimiter, 1_000_000)) out.push(r);
  return out;
}

function reference(text: string, delimiter: string): string[][] {
  return parse(text, {
    delimiter,
    quote: '"',
    escape: '"',
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
}

const PLAIN = ['沈阳', 'a', '', ' 空格 ', '123.45', '和平区“老边”', "it's", 'x\\y'];
const TRICKY = ['含,逗号', '含"引号"', '第一行\n第二行', 'a\r\nb', '\r', '', '""', 'tab\there', ';|'];

function field(next: () => number, delimiter: string): string {
  if (next() < 0.6) {
    const v = PLAIN[Math.floor(next() * PLAIN.length)] ?? '';
    return v.includes(delimiter) ? `"${v}"` : v;
  }
  const v = TRICKY[Math.floor(next() * TRICKY.length)] ?? '';
  return `"${v.replaceAll('"', '""')}"`;
}

function document(next: () => number, delimiter: string, newline: string): string {
  const lines: string[] = [];
  const records = 1 + Math.floor(next() * 6);
  for (let r = 0; r < records; r++) {
    if (next() < 0.15) lines.push('');
    const n = 1 + Math.floor(next() * 4);
    lines.push(Array.from({ length: n }, () => field(next, delimiter)).join(delimiter));
  }
  return lines.join(newline) + (next() < 0.5 ? newline : '');
}

describe('CSV scanner', () => {
  it('reads the same records as csv-parse, whatever the line breaks, delimiters and chunking', async () => {
    const next = random(20261127);
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const delimiter = [',', ';', '\t', '|'][i % 4] ?? ',';
      const newline = ['\r\n', '\n', '\r'][Math.floor(i / 4) % 3] ?? '\n';
      const text = document(next, delimiter, newline);
      const expected = reference(text, delimiter);
      const got = await scan(text, delimiter, next, 1 + (i % 9));
      expect(
        got.map((r) => r.fields),
        JSON.stringify(text),
      ).toEqual(expected);
      compared++;
    }
    expect(compared).toBe(3000);
  });

  it('numbers records by the line they start on, counting blank lines and line breaks in quotes', async () => {
    const text = 'a,b\r\n\r\n"x\r\ny",1\r\n"p""q",2\r\n\r\n\r\nlast,3';
    const got = await scan(text, ',', random(1), 3);
    expect(got).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x\r\ny', '1'], line: 3 },
      { fields: ['p"q', '2'], line: 5 },
      { fields: ['last', '3'], line: 8 },
    ]);
  });

  it.each([
    ['a,b\n"unclosed,1\n2,3\n', 'quote_not_closed', 2, 0, 'CSV_QUOTE_NOT_CLOSED'],
    ['a,b\n1,"x"y\n', 'invalid_closing_quote', 2, 1, 'CSV_INVALID_CLOSING_QUOTE'],
    ['a,b\n1,x"y"\n', 'invalid_opening_quote', 2, 1, 'INVALID_OPENING_QUOTE'],
    ['a,b\r\n"x\r\ny" ,1\r\n', 'invalid_closing_quote', 3, 0, 'CSV_INVALID_CLOSING_QUOTE'],
  ])('refuses broken quoting like csv-parse: %j', async (text, code, line, fieldIndex, parseCode) => {
    for (const max of [1, 2, 5, 100]) {
      const err = await scan(text, ',', random(max), max).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CsvScanError);
      expect(err).toMatchObject({ code, line, field: fieldIndex });
    }
    let parseError: unknown = null;
    try {
      reference(text, ',');
    } catch (e) {
      parseError = e;
    }
    expect(parseError).toBeInstanceOf(CsvError);
    expect((parseError as CsvError).code).toBe(parseCode);
  });

  it('stops a record longer than the limit (a runaway quote)', async () => {
    const text = `a,b\n"${'x'.repeat(5000)}`;
    const records: unknown[] = [];
    const run = async () => {
      for await (const r of scanCsv(chunks(text, random(3), 100), ',', 1000)) records.push(r);
    };
    await expect(run()).rejects.toMatchObject({ code: 'record_too_large', line: 2 });
    expect(records).toHaveLength(1);
  });
});
