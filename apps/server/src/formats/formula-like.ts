/**
 * Values a spreadsheet would run as a formula (CSV injection, OWASP): text beginning with `=`, `+`,
 * `-`, `@`, a tab or a carriage return. One department's value must not run on another's desktop,
 * so the CSV for spreadsheets prefixes such values with a single quote `'` (export.ts), and ingest
 * counts them in its report (validation.ts) for the providing department to check.
 *
 * Only data items whose values are text are concerned: a number item's `-3.5` is a number to a
 * spreadsheet, not a formula, and dates, datetimes, booleans and geometries (JSON) never begin so.
 */
import type { DataType } from '@huitong/contract/values';

/** The first characters that make a spreadsheet read a cell as a formula. */
export const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r'] as const;

/** The data types whose values are text (stored as `text`), the only ones neutralised. */
const TEXT_TYPES: ReadonlySet<DataType> = new Set<DataType>([
  'string',
  'id_number',
  'credit_code',
  'phone',
  'binary',
]);

export const holdsText = (dataType: DataType): boolean => TEXT_TYPES.has(dataType);

/** Whether a spreadsheet would read `text` as a formula. */
export function isFormulaLike(text: string): boolean {
  const first = text.charAt(0);
  return (FORMULA_PREFIXES as readonly string[]).includes(first);
}

/** The text with a `'` before it when it is formula-like (the spreadsheets' mark for “text”). */
export const neutralised = (text: string): string => (isFormulaLike(text) ? `'${text}` : text);

/**
 * The SQL of `expr` (a text expression, evaluated twice) neutralised as `neutralised` does, so that
 * PostgreSQL's COPY and the batched reader give the same bytes. No parameters: COPY takes none.
 */
export function neutralisedSql(expr: string): string {
  const firsts = FORMULA_PREFIXES.map((c) =>
    c === '\t' ? 'chr(9)' : c === '\r' ? 'chr(13)' : `'${c}'`,
  ).join(', ');
  return `(case when left(${expr}, 1) in (${firsts}) then '''' || ${expr} else ${expr} end)`;
}
