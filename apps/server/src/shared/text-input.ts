/**
 * The rules for text that arrives from outside (request bodies, query strings, path parameters,
 * headers, values of pushed rows and files): which characters are refused, and how long a string
 * may be when its schema says nothing. plugins/validation.ts applies them to every string of every
 * route schema (the `x-text` keyword); ingest applies `textProblem(…, 'value')` to data values.
 *
 * - `line` (the default for schema strings: names, codes, search terms, identifiers): no control
 *   characters at all (C0, DEL, C1), no line or paragraph separators, no bidirectional embedding,
 *   override or isolate characters, no lone surrogates.
 * - `multiline` (prose fields marked so: abstracts, conditions, comments, notes, SQL): the same,
 *   but tab, line feed and carriage return are allowed.
 * - `value` (data values of rows): only what PostgreSQL text cannot hold or a lone surrogate, i.e.
 *   NUL — a dataset may legitimately carry tabs, line breaks or other controls in its cells.
 * - `fileName` (shared/file-name.ts): `line`, plus the file-name rule.
 */
import { FILE_NAME_MAX_LENGTH } from '@huitong/contract/common';
import type { Message } from './errors.ts';

export type TextKind = 'line' | 'multiline' | 'value' | 'fileName';

/** The schema keyword that names a string's text rule (`line` when absent): the contract's. */
export { TEXT_KEYWORD } from '@huitong/contract/common';

/** The length a schema string may have when its schema gives no maxLength. */
export const DEFAULT_MAX_LENGTH: Record<'line' | 'multiline' | 'fileName', number> = {
  line: 1000,
  multiline: 20_000,
  fileName: FILE_NAME_MAX_LENGTH,
};

// In a `u` expression surrogate pairs are one code point, so this finds only unpaired halves.
const LONE_SURROGATES = /[\ud800-\udfff]/gu;

/**
 * Whether a text has no unpaired surrogate: String.prototype.isWellFormed (ES2024, in Node 20), a
 * scan in V8's own code — a regular expression took 0.7 s of a 1,000,000-row ingest (12 million
 * values).
 */
const isWellFormed = (text: string): boolean =>
  (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed?.call(text) ??
  !/[\ud800-\udfff]/u.test(text);
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** The text with what PostgreSQL cannot store shown instead: NUL as ␀ (U+2400), a lone surrogate as �. */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\u2400').replace(LONE_SURROGATES, '\ufffd');
}

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a text of this kind is refused, or null when it is accepted. */
export function textProblem(text: string, kind: TextKind): Message | null {
  if (text.includes('\u0000')) return { zh: '含有空字符（U+0000）', en: 'contains a NUL character (U+0000)' };
  if (!isWellFormed(text))
    return { zh: '含有不成对的代理字符（不是合法的 Unicode 文本）', en: 'is not well-formed Unicode text' };
  if (kind === 'value') return null;
  const control = (kind === 'multiline' ? CONTROL_MULTILINE : CONTROL_LINE).exec(text);
  if (control)
    return {
      zh: `含有控制字符（${codePoint(control[0])}）`,
      en: `contains a control character (${codePoint(control[0])})`,
    };
  const bidi = BIDI.exec(text);
  if (bidi)
    return {
      zh: `含有双向文本控制字符（${codePoint(bidi[0])}），可能掩盖真实内容`,
      en: `contains a bidirectional control character (${codePoint(bidi[0])}) that can disguise the text`,
    };
  return null;
}
