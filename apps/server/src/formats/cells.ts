/** Cell values as text, the same whatever format they came from; header checks. */
import { FormatError, type FormatLocation } from './format-error.ts';

/**
 * A number written without exponent, exactly as given: `1.5e-7` → `0.00000015`, `-2E+21` →
 * `-2000000000000000000000`. Text that is not a number in exponent notation is returned as is.
 */
export function withoutExponent(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = `${int}${frac}`;
  if (digits === '') return text;
  const point = int.length + Number(exp);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  // Leading zeros of the integer part, trailing zeros of the fraction.
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return out === '0' ? '0' : `${sign === '-' ? '-' : ''}${out}`;
}

/** A JavaScript number as decimal text, never with an exponent. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return withoutExponent(String(n));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A date of a spreadsheet (exceljs gives the wall-clock time as UTC): `YYYY-MM-DD` at midnight,
 * otherwise `YYYY-MM-DDTHH:mm:ss` (to the second, no time zone: spreadsheets have none).
 */
export function dateText(d: Date): string {
  const t = new Date(Math.round(d.getTime() / 1000) * 1000);
  const date = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  if (t.getUTCHours() === 0 && t.getUTCMinutes() === 0 && t.getUTCSeconds() === 0) return date;
  return `${date}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** Comparison form of a header: full-width to half-width, no white space, lower case. */
export const foldHeader = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * Checks a header row: no empty name, no two names alike (compared after folding width, case and
 * white space, since columns are later matched to data items that way). `place(i)` locates column
 * `i` (0-based).
 */
export function checkHeaders(headers: string[], place: (index: number) => FormatLocation): void {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === '')
      throw new FormatError(
        'header_empty',
        {
          zh: '表头（字段名）为空，每一列都须有名称',
          en: 'the header (field name) is empty; every column needs a name',
        },
        place(i),
      );
    const key = foldHeader(h);
    const first = seen.get(key);
    if (first !== undefined) {
      const other = headers[first] ?? '';
      throw new FormatError(
        'header_duplicate',
        {
          zh: `表头「${h}」与第 ${first + 1} 列「${other}」重复，字段名须唯一`,
          en: `the header “${h}” repeats column ${first + 1} (“${other}”); field names must be unique`,
        },
        place(i),
      );
    }
    seen.set(key, i);
  });
}
