/**
 * Validation of resource data against the data items (信息项) of its catalog entry: one row at a
 * time, as read from a file (every value is text), giving each problem found and the typed value of
 * each field; and a report that adds up the rows of a whole data version.
 *
 * The rules (see docs/decisions.md, "Validating provided data"):
 * - Every value is trimmed; an empty or all-blank value is missing. Values of typed items are also
 *   NFKC-normalised first, so that full-width digits and letters (２０２４－０３－０５, １３８…) parse.
 * - At most one problem per field and row: the first of required → syntax of the type → length →
 *   range → enumeration.
 * - `length` counts characters (Unicode code points, not bytes) for string and phone items; for an
 *   integer it is the most digits; for a decimal the most significant digits in all (integer digits
 *   without leading zeros plus every fraction digit, like the precision of SQL `numeric(p, s)`).
 *   Dates, datetimes, booleans, identifiers, geometries and binary values have their own format.
 * - Numbers: an optional sign, and thousands separators only in correct groups of three
 *   (1,234,567); no exponent (1e5, 1.2E+5 — a spreadsheet's rounding), no currency or percent sign.
 * - Dates: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (month and day of one or two digits), YYYYMMDD and
 *   YYYY年M月D日, a real calendar date, years 1900–2199.
 * - Datetimes: such a date, a space or T, HH:mm or HH:mm:ss (optional fraction of up to 6 digits),
 *   an optional zone (Z, +08:00, +0800); without a zone it is Beijing time (+08:00).
 * - Booleans: true/false, yes/no, y/n, t/f, 1/0, 是/否, 有/无 (case-insensitive).
 * - Phones: mainland mobiles 1[3-9]xxxxxxxxx; landlines with their area code (010 and 02x have
 *   three digits and 8-digit numbers, every other area code four digits and 7- or 8-digit numbers),
 *   written with or without a hyphen or brackets, with an optional extension (-123, 转123, ext 123);
 *   a +86 / 0086 prefix; 400/800 numbers and 5-digit public service numbers (12345, 96xxx, optionally
 *   after an area code). One number per value.
 * - 公民身份号码: GB 11643 (division, birth date, check character); a 15-digit number of the old
 *   format is rejected, it has to be converted. 统一社会信用代码: GB 32100 check character and
 *   structure, including the GB 11714 check of its organisation code. Lower case is accepted and
 *   upper-cased.
 * - Geometries: a GeoJSON geometry (or a Feature, whose geometry is taken), as an object given with
 *   the row or as JSON text in the value, or WKT (POINT, LINESTRING, POLYGON and their MULTI forms,
 *   optionally after SRID=4490;); positions of two or three finite numbers with longitude −180…180
 *   and latitude −90…90 (rule `coordinates`); lines of two positions or more, closed rings of four.
 *   Decimal items named longitude/latitude (or labelled 经度/纬度) get the same range check.
 * - Binary items are references to files checked elsewhere: only `required` applies.
 * - Before anything else, a value must be text PostgreSQL can store (rule `text`, shared/text-input.ts
 *   `value`): no NUL character (U+0000), no lone surrogate. Its reported value shows them as ␀ / �.
 * - A problem's value is the text as given, cut to 200 characters, and masked for items of
 *   sensitivity 3 and 4 (REFERENCE.md's masking styles), so a report can be shown and stored.
 */
import { VALIDATION_RULES, type ValidationRule } from '@huitong/contract/values';
import type { Geometry, Position } from '../../../formats/index.ts';
import { holdsText, isFormulaLike } from '../../../formats/formula-like.ts';
import { storableText, textProblem } from '../../../shared/text-input.ts';
import type { DataItem, DataType } from '../../catalog/index.ts';
import { maskValue } from '../../security/index.ts';
import { MASKED_FROM_SENSITIVITY } from '../../../shared/policy.ts';
import {
  creditCodeProblem,
  creditCodeStructureProblem,
  daysInMonth,
  idNumberProblem,
} from '../../../shared/identifiers.ts';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Machine codes of the rules a value may break (the contract's list, with their labels). */
export { VALIDATION_RULES };
export type { ValidationRule };

export interface LocalisedText {
  zh: string;
  en: string;
}

export interface ValidationProblem {
  /** Row number as given by the caller (or counted from 1). */
  row: number;
  /** The item's Chinese label, as a column heading. */
  column: string;
  /** The item's machine name. */
  field: string;
  /** The value as given (cut to 200 characters; masked for sensitivity 3–4), null when missing. */
  value: string | null;
  rule: ValidationRule;
  message: LocalisedText;
}

/** The GeoJSON geometry the file readers produce (formats/geometry.ts), one definition for both. */
export type { Position } from '../../../formats/index.ts';
export type GeoJsonGeometry = Geometry;

/**
 * The typed value of a field: string (string, decimal — exact, without exponent —, date
 * `YYYY-MM-DD`, datetime ISO 8601 with its offset, phone, identifiers, binary reference), number
 * (integer within ±2^53; a larger one stays a string of digits), boolean, or a GeoJSON geometry.
 */
export type TypedValue = string | number | boolean | GeoJsonGeometry;

export interface RowResult {
  row: number;
  valid: boolean;
  problems: ValidationProblem[];
  /** Typed value per field name; null when missing or invalid. */
  values: Record<string, TypedValue | null>;
  /** Per item (in item order): whether a value was given. */
  filled: boolean[];
}

export interface ValidatorOptions {
  /** Allowed values per field name (compared with the trimmed value). */
  enumerations?: Readonly<Record<string, readonly string[]>>;
  /**
   * Latest birth date a 公民身份号码 may carry (YYYY-MM-DD), normally the day of the upload. The
   * validator reads no clock: without it only the calendar is checked.
   */
  latestBirthDate?: string;
  /** Mask values of sensitivity 3–4 in problems (default true). */
  maskSensitive?: boolean;
}

export interface RowContext {
  /** Row number to report (a file's line); defaults to the count of rows checked so far plus one. */
  row?: number;
  /** The row's geometry object (e.g. of a GeoJSON Feature), for the entry's geometry item. */
  geometry?: unknown;
}

export interface RowValidator {
  readonly items: readonly DataItem[];
  /** Checks one row; `values` must have one value per item, in item order. */
  validate(values: readonly (string | null)[], context?: RowContext): RowResult;
}

// ---------------------------------------------------------------------------------------------
// Checks of single values
// ---------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: TypedValue } | { ok: false; rule: ValidationRule; message: LocalisedText };

function ok(value: TypedValue): Outcome {
  return { ok: true, value };
}

function fail(rule: ValidationRule, zh: string, en: string): Outcome {
  return { ok: false, rule, message: { zh, en } };
}

/** A label for messages: “公民身份号码” in Chinese, 公民身份号码 (id_number) in English. */
interface Names {
  zh: string;
  en: string;
}

/** Characters (code points) of a text: never more than its UTF-16 length. */
function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const GROUPED = /^\d{1,3}(?:,\d{3})+$/;
const EXPONENT = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;

/** Splits a number into sign, integer digits (grouping removed) and fraction, or null. */
function parseNumber(text: string): { negative: boolean; integer: string; fraction: string | null } | null {
  let rest = text;
  let negative = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  const dot = rest.indexOf('.');
  let integer = dot < 0 ? rest : rest.slice(0, dot);
  const fraction = dot < 0 ? null : rest.slice(dot + 1);
  if (fraction !== null && !/^\d*$/.test(fraction)) return null;
  if (integer.includes(',')) {
    if (!GROUPED.test(integer)) return null;
    integer = integer.replaceAll(',', '');
  } else if (!/^\d*$/.test(integer)) return null;
  if (integer === '' && (fraction === null || fraction === '')) return null;
  return { negative, integer, fraction };
}

function stripZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

function checkInteger(text: string, names: Names, length: number | null): Outcome {
  if (EXPONENT.test(text))
    return fail(
      'integer',
      `${names.zh}不接受科学计数法：${text}`,
      `${names.en}: scientific notation is not accepted (${text})`,
    );
  const parsed = parseNumber(text);
  if (parsed === null || parsed.fraction !== null)
    return fail('integer', `${names.zh}应为整数`, `${names.en} must be a whole number`);
  const digits = stripZeros(parsed.integer);
  if (length !== null && digits.length > length)
    return fail(
      'length',
      `${names.zh}最多 ${length} 位数字，实为 ${digits.length} 位`,
      `${names.en} has ${digits.length} digits, at most ${length} are allowed`,
    );
  const negative = parsed.negative && digits !== '0';
  const n = Number(digits);
  if (Number.isSafeInteger(n)) return ok(negative ? -n : n);
  return ok(negative ? `-${digits}` : digits);
}

function checkDecimal(text: string, names: Names, length: number | null): Outcome {
  if (EXPONENT.test(text))
    return fail(
      'decimal',
      `${names.zh}不接受科学计数法：${text}`,
      `${names.en}: scientific notation is not accepted (${text})`,
    );
  const parsed = parseNumber(text);
  if (parsed === null) return fail('decimal', `${names.zh}应为数值`, `${names.en} must be a number`);
  const integer = stripZeros(parsed.integer);
  const fraction = parsed.fraction ?? '';
  const digits = (integer === '0' ? 0 : integer.length) + fraction.length;
  if (length !== null && digits > length)
    return fail(
      'length',
      `${names.zh}共 ${digits} 位有效数字，超过上限 ${length} 位`,
      `${names.en} has ${digits} significant digits, at most ${length} are allowed`,
    );
  const zero = /^0*$/.test(parsed.integer) && /^0*$/.test(fraction);
  const sign = parsed.negative && !zero ? '-' : '';
  return ok(`${sign}${integer}${fraction === '' ? '' : `.${fraction}`}`);
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DATE_PATTERNS = [
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/,
  /^(\d{4})()(\d{2})(\d{2})$/,
  /^(\d{4})年()(\d{1,2})月(\d{1,2})日$/,
];

function parseDate(text: string): CalendarDate | null {
  for (const pattern of DATE_PATTERNS) {
    const m = pattern.exec(text);
    if (m === null) continue;
    return { year: Number(m[1]), month: Number(m[3]), day: Number(m[4]) };
  }
  return null;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Checks a parsed date; returns the problem or the ISO date. */
function calendarProblem(date: CalendarDate, names: Names, rule: 'date' | 'datetime'): Outcome {
  const { year, month, day } = date;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return fail(
      rule,
      `${names.zh}不是有效的日期：${year}年${month}月${day}日不存在`,
      `${names.en}: ${year}-${pad(month)}-${pad(day)} is not a calendar date`,
    );
  if (year < 1900 || year > 2199)
    return fail(
      rule,
      `${names.zh}的年份应在 1900 至 2199 之间`,
      `${names.en}: the year must be between 1900 and 2199`,
    );
  return ok(`${year}-${pad(month)}-${pad(day)}`);
}

function checkDate(text: string, names: Names): Outcome {
  const date = parseDate(text);
  if (date === null)
    return fail(
      'date',
      `${names.zh}应为日期，格式如 2026-03-15、2026/3/15、20260315 或 2026年3月15日`,
      `${names.en} must be a date such as 2026-03-15, 2026/3/15, 20260315 or 2026年3月15日`,
    );
  return calendarProblem(date, names, 'date');
}

const DATETIME = /^(.+?)(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function checkDatetime(text: string, names: Names): Outcome {
  const m = DATETIME.exec(text);
  const date = m === null ? null : parseDate(m[1] ?? '');
  if (m === null || date === null)
    return fail(
      'datetime',
      `${names.zh}应为日期时间，格式如 2026-03-15 08:30:00`,
      `${names.en} must be a date and time such as 2026-03-15 08:30:00`,
    );
  const day = calendarProblem(date, names, 'datetime');
  if (!day.ok) return day;
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  const second = m[4] === undefined ? 0 : Number(m[4]);
  if (hour > 23 || minute > 59 || second > 59)
    return fail(
      'datetime',
      `${names.zh}的时间无效：${m[2]}:${m[3]}${m[4] === undefined ? '' : `:${m[4]}`}`,
      `${names.en}: the time of day is not valid`,
    );
  let zone = '+08:00';
  const givenZone = m[6];
  if (givenZone !== undefined) {
    if (givenZone.toUpperCase() === 'Z') zone = 'Z';
    else {
      const digits = givenZone.replace(':', '');
      const zh = Number(digits.slice(1, 3));
      const zm = Number(digits.slice(3, 5));
      if (zh > 14 || zm > 59)
        return fail(
          'datetime',
          `${names.zh}的时区无效：${givenZone}`,
          `${names.en}: the time zone is not valid`,
        );
      zone = `${digits.slice(0, 3)}:${digits.slice(3, 5)}`;
    }
  }
  const fraction = m[5] === undefined ? '' : `.${m[5]}`;
  return ok(
    `${date.year}-${pad(date.month)}-${pad(date.day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${zone}`,
  );
}

const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  y: true,
  n: false,
  t: true,
  f: false,
  '1': true,
  '0': false,
  是: true,
  否: false,
  有: true,
  无: false,
};

function checkBoolean(text: string, names: Names): Outcome {
  const value = BOOLEANS[text.toLowerCase()];
  if (value === undefined)
    return fail(
      'boolean',
      `${names.zh}应为“是”或“否”`,
      `${names.en} must be yes or no (是/否, true/false, 1/0)`,
    );
  return ok(value);
}

const MOBILE = /^1[3-9]\d-?\d{4}-?\d{4}$/;
const EXTENSION = /^(.+?)(?:转|ext\.?|#|,)(\d{1,6})$/i;
const HYPHEN_EXTENSION = /^(\(?0\d{2,3}\)?-?\d{7,8})-(\d{1,6})$/;
const LANDLINE = /^(?:\((0\d{2,3})\)-?|(0\d{2,3})-)?(\d+)$/;
const SERVICE = /^(?:(0\d{2,3})-?)?(12\d{3}|9[56]\d{3,6})$/;
const NATIONAL_SERVICE = /^([48]00)-?(\d{3})-?(\d{4})$/;

/** 010 and 020–029 have three digits and 8-digit numbers; other area codes four and 7 or 8. */
function isLandline(area: string, local: string): boolean {
  if (/^0[12]/.test(area)) return area.length === 3 && local.length === 8;
  return area.length === 4 && (local.length === 7 || local.length === 8);
}

/**
 * A phone number in one normal form — a mobile as 11 digits, a landline as area-number[-extension],
 * a service number as written without spaces — or null when it is none of those.
 */
export function normalisePhone(input: string): string | null {
  let text = input.replace(/\s+/g, '');
  let international = false;
  const prefix = /^(?:\+86|0086)-?/.exec(text);
  if (prefix !== null) {
    international = true;
    text = text.slice(prefix[0].length);
  } else if (/^861[3-9]\d{9}$/.test(text)) text = text.slice(2);
  if (MOBILE.test(text)) return text.replaceAll('-', '');
  // After +86 an area code loses its leading 0 (+86-24-22001234).
  if (international) text = text.replace(/^(\(?)([1-9])/, '$10$2');

  let main = text;
  let extension = '';
  const ext = EXTENSION.exec(text) ?? HYPHEN_EXTENSION.exec(text);
  if (ext !== null) {
    main = ext[1] ?? '';
    extension = `-${ext[2] ?? ''}`;
  }
  const land = LANDLINE.exec(main);
  if (land !== null) {
    const givenArea = land[1] ?? land[2];
    const digits = land[3] ?? '';
    if (givenArea !== undefined) {
      if (isLandline(givenArea, digits)) return `${givenArea}-${digits}${extension}`;
    } else if (digits.startsWith('0')) {
      const split = /^0[12]/.test(digits) ? 3 : 4;
      const area = digits.slice(0, split);
      const local = digits.slice(split);
      if (isLandline(area, local)) return `${area}-${local}${extension}`;
    }
  }
  if (international) return null;
  const service = SERVICE.exec(text);
  if (service !== null) {
    const area = service[1];
    if (area === undefined) return service[2] ?? null;
    return (/^0[12]/.test(area) ? area.length === 3 : area.length === 4)
      ? `${area}-${service[2] ?? ''}`
      : null;
  }
  const national = NATIONAL_SERVICE.exec(text);
  if (national !== null) return `${national[1] ?? ''}-${national[2] ?? ''}-${national[3] ?? ''}`;
  return null;
}

function checkPhone(text: string, names: Names): Outcome {
  const phone = normalisePhone(text);
  if (phone === null)
    return fail(
      'phone',
      `${names.zh}不是有效的电话号码（手机号码，或区号-固定电话，如 024-22001234）`,
      `${names.en} is not a valid phone number (a mobile, or area code and number such as 024-22001234)`,
    );
  return ok(phone);
}

function checkIdNumber(text: string, names: Names, latestBirthDate: string | undefined): Outcome {
  const id = text.toUpperCase();
  switch (idNumberProblem(id, latestBirthDate)) {
    case null:
      return ok(id);
    case 'old_format':
      return fail(
        'id_number',
        `${names.zh}为15位旧号码，应换算为18位`,
        `${names.en} is an old 15-digit number; give the 18-character number`,
      );
    case 'format':
      return fail(
        'id_number',
        `${names.zh}应为18位（17位数字加1位数字或X）`,
        `${names.en} must have 18 characters (17 digits and a digit or X)`,
      );
    case 'division':
      return fail(
        'id_number',
        `${names.zh}的前6位不是有效的行政区划代码`,
        `${names.en}: the first six digits are not a division code`,
      );
    case 'birth_date':
      return fail(
        'id_number',
        `${names.zh}中的出生日期无效`,
        `${names.en}: the birth date in the number is not valid`,
      );
    case 'check':
      return fail('id_number', `${names.zh}的校验码不正确`, `${names.en}: the check character is wrong`);
  }
}

function checkCreditCode(text: string, names: Names): Outcome {
  const code = text.toUpperCase();
  switch (creditCodeProblem(code)) {
    case 'length':
      return fail('credit_code', `${names.zh}应为18位`, `${names.en} must have 18 characters`);
    case 'alphabet':
      return fail(
        'credit_code',
        `${names.zh}含有不允许的字符（只能是数字和除 I、O、S、V、Z 外的大写字母）`,
        `${names.en} contains characters outside 0-9 and A-Z without I, O, S, V, Z`,
      );
    case 'check':
      return fail('credit_code', `${names.zh}的校验码不正确`, `${names.en}: the check character is wrong`);
    case null:
      break;
  }
  switch (creditCodeStructureProblem(code)) {
    case null:
      return ok(code);
    case 'registration_authority':
      return fail(
        'credit_code',
        `${names.zh}第1位不是有效的登记管理部门代码`,
        `${names.en}: position 1 is not a registration authority code`,
      );
    case 'entity_type':
      return fail(
        'credit_code',
        `${names.zh}第2位不是该登记管理部门的机构类别代码`,
        `${names.en}: position 2 is not an entity type of that registration authority`,
      );
    case 'division':
      return fail(
        'credit_code',
        `${names.zh}第3至8位不是有效的行政区划代码`,
        `${names.en}: positions 3-8 are not a division code`,
      );
    case 'organisation_code':
      return fail(
        'credit_code',
        `${names.zh}第9至17位的组织机构代码校验码不正确`,
        `${names.en}: the organisation code in positions 9-17 has a wrong check character`,
      );
  }
}

// --- geometry ---------------------------------------------------------------------------------

type GeometryOutcome =
  { ok: true; value: GeoJsonGeometry } | { ok: false; rule: 'geometry' | 'coordinates'; detail: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class GeometryError extends Error {
  constructor(
    readonly rule: 'geometry' | 'coordinates',
    detail: string,
  ) {
    super(detail);
  }
}

function position(value: unknown): Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3)
    throw new GeometryError('geometry', 'a position must have 2 or 3 numbers');
  const numbers: number[] = [];
  for (const n of value as unknown[]) {
    if (typeof n !== 'number' || !Number.isFinite(n))
      throw new GeometryError('geometry', 'a coordinate is not a number');
    numbers.push(n);
  }
  const [lon = 0, lat = 0] = numbers;
  if (lon < -180 || lon > 180) throw new GeometryError('coordinates', `longitude ${lon} is outside −180…180`);
  if (lat < -90 || lat > 90) throw new GeometryError('coordinates', `latitude ${lat} is outside −90…90`);
  return numbers;
}

function positions(value: unknown, min: number): Position[] {
  if (!Array.isArray(value) || value.length < min)
    throw new GeometryError('geometry', `a line needs at least ${min} positions`);
  return (value as unknown[]).map(position);
}

function ring(value: unknown): Position[] {
  const list = positions(value, 4);
  const first = list[0] ?? [];
  const last = list[list.length - 1] ?? [];
  if (first.length !== last.length || first.some((n, i) => n !== last[i]))
    throw new GeometryError('geometry', 'a polygon ring must end where it starts');
  return list;
}

function listOf<T>(value: unknown, each: (v: unknown) => T, what: string): T[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new GeometryError('geometry', `${what} must not be empty`);
  return (value as unknown[]).map(each);
}

function geometry(value: unknown, depth = 0): GeoJsonGeometry {
  if (!isRecord(value)) throw new GeometryError('geometry', 'not a GeoJSON object');
  if (value.type === 'Feature' && depth === 0) return geometry(value.geometry, depth + 1);
  const c = value.coordinates;
  switch (value.type) {
    case 'Point':
      return { type: 'Point', coordinates: position(c) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: listOf(c, position, 'a MultiPoint') };
    case 'LineString':
      return { type: 'LineString', coordinates: positions(c, 2) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: listOf(c, (l) => positions(l, 2), 'a MultiLineString') };
    case 'Polygon':
      return { type: 'Polygon', coordinates: listOf(c, ring, 'a Polygon') };
    case 'MultiPolygon':
      return {
        type: 'MultiPolygon',
        coordinates: listOf(c, (p) => listOf(p, ring, 'a Polygon'), 'a MultiPolygon'),
      };
    case 'GeometryCollection':
      if (depth > 4) throw new GeometryError('geometry', 'geometry collections are nested too deeply');
      return {
        type: 'GeometryCollection',
        geometries: listOf(value.geometries, (g) => geometry(g, depth + 1), 'a GeometryCollection'),
      };
    default:
      throw new GeometryError('geometry', 'unknown geometry type');
  }
}

/** Parses WKT (with an optional SRID=n; prefix) into GeoJSON coordinates. */
function parseWkt(text: string): unknown {
  const body = text.replace(/^SRID=\d+;\s*/i, '');
  const m = /^(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*(?:Z\s*)?(\(.*\))$/is.exec(
    body,
  );
  if (m === null) throw new GeometryError('geometry', 'not WKT');
  const kind = (m[1] ?? '').toUpperCase();
  // Turn "(1 2, 3 4)" into nested arrays: positions are space-separated numbers.
  let i = 0;
  const src = m[2] ?? '';
  const parseList = (): unknown[] => {
    if (src[i] !== '(') throw new GeometryError('geometry', 'WKT: ( expected');
    i++;
    const items: unknown[] = [];
    for (;;) {
      while (src[i] === ' ') i++;
      if (src[i] === '(') items.push(parseList());
      else {
        const start = i;
        while (i < src.length && src[i] !== ',' && src[i] !== ')') i++;
        const numbers = src.slice(start, i).trim().split(/\s+/).map(Number);
        if (numbers.some((n) => Number.isNaN(n)))
          throw new GeometryError('geometry', 'WKT: a coordinate is not a number');
        items.push(numbers);
      }
      while (src[i] === ' ') i++;
      if (src[i] === ',') {
        i++;
        continue;
      }
      if (src[i] === ')') {
        i++;
        return items;
      }
      throw new GeometryError('geometry', 'WKT: , or ) expected');
    }
  };
  const list = parseList();
  if (src.slice(i).trim() !== '') throw new GeometryError('geometry', 'WKT: text after the geometry');
  switch (kind) {
    case 'POINT':
      return { type: 'Point', coordinates: list[0] };
    case 'LINESTRING':
      return { type: 'LineString', coordinates: list };
    case 'POLYGON':
      return { type: 'Polygon', coordinates: list };
    case 'MULTIPOINT':
      // Both MULTIPOINT (1 2, 3 4) and MULTIPOINT ((1 2), (3 4)).
      return {
        type: 'MultiPoint',
        coordinates: list.map((p) => (Array.isArray(p) && Array.isArray(p[0]) ? p[0] : p)),
      };
    case 'MULTILINESTRING':
      return { type: 'MultiLineString', coordinates: list };
    default:
      return { type: 'MultiPolygon', coordinates: list };
  }
}

/** Checks a GeoJSON geometry (object, JSON text or WKT text). */
export function checkGeometry(input: unknown): GeometryOutcome {
  try {
    let value = input;
    if (typeof input === 'string') {
      const text = input.trim();
      if (text.startsWith('{')) {
        try {
          value = JSON.parse(text) as unknown;
        } catch {
          return { ok: false, rule: 'geometry', detail: 'not valid JSON' };
        }
      } else value = parseWkt(text);
    }
    return { ok: true, value: geometry(value) };
  } catch (error) {
    if (error instanceof GeometryError) return { ok: false, rule: error.rule, detail: error.message };
    throw error;
  }
}

function checkGeometryValue(input: unknown, names: Names): Outcome {
  const result = checkGeometry(input);
  if (result.ok) return ok(result.value);
  if (result.rule === 'coordinates')
    return fail(
      'coordinates',
      `${names.zh}的坐标超出范围（经度 −180～180，纬度 −90～90）`,
      `${names.en}: coordinates out of range (${result.detail})`,
    );
  return fail(
    'geometry',
    `${names.zh}不是有效的 GeoJSON 几何对象或 WKT`,
    `${names.en} is not a valid GeoJSON geometry or WKT (${result.detail})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Masking of problem values
// ---------------------------------------------------------------------------------------------

const MAX_VALUE_CHARACTERS = 200;

function reportedValue(item: DataItem, raw: string, mask: boolean): string {
  let text = raw;
  if (mask && item.sensitivity >= MASKED_FROM_SENSITIVITY && raw.trim() !== '')
    text = maskValue(item.dataType, item.name, raw.trim());
  const shown = storableText(text);
  const chars = [...shown];
  return chars.length > MAX_VALUE_CHARACTERS ? `${chars.slice(0, MAX_VALUE_CHARACTERS).join('')}…` : shown;
}

// ---------------------------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------------------------

type Checker = (text: string) => Outcome;

const NON_ASCII = /[^ -~]/;

function isCoordinateItem(item: DataItem): 'longitude' | 'latitude' | null {
  if (item.dataType !== 'decimal') return null;
  if (item.name === 'longitude' || item.label === '经度') return 'longitude';
  if (item.name === 'latitude' || item.label === '纬度') return 'latitude';
  return null;
}

function checkerFor(item: DataItem, names: Names, options: ValidatorOptions): Checker {
  const length = item.length;
  switch (item.dataType) {
    case 'string':
      return (text) => {
        const n = length !== null && text.length <= length ? text.length : characterCount(text);
        if (length !== null && n > length)
          return fail(
            'length',
            `${names.zh}长度为 ${n} 个字符，超过上限 ${length}`,
            `${names.en} has ${n} characters, at most ${length} are allowed`,
          );
        return ok(text);
      };
    case 'integer':
      return (text) => checkInteger(text, names, length);
    case 'decimal': {
      const axis = isCoordinateItem(item);
      if (axis === null) return (text) => checkDecimal(text, names, length);
      const limit = axis === 'longitude' ? 180 : 90;
      return (text) => {
        const outcome = checkDecimal(text, names, length);
        if (outcome.ok && Math.abs(Number(outcome.value)) > limit)
          return fail(
            'coordinates',
            `${names.zh}超出范围（${axis === 'longitude' ? '经度 −180～180' : '纬度 −90～90'}）`,
            `${names.en} is outside −${limit}…${limit}`,
          );
        return outcome;
      };
    }
    case 'date':
      return (text) => checkDate(text, names);
    case 'datetime':
      return (text) => checkDatetime(text, names);
    case 'boolean':
      return (text) => checkBoolean(text, names);
    case 'id_number': {
      const latest = options.latestBirthDate?.replaceAll('-', '');
      return (text) => checkIdNumber(text, names, latest);
    }
    case 'credit_code':
      return (text) => checkCreditCode(text, names);
    case 'phone':
      return (text) => {
        const n = length !== null && text.length <= length ? text.length : characterCount(text);
        if (length !== null && n > length)
          return fail(
            'length',
            `${names.zh}长度为 ${n} 个字符，超过上限 ${length}`,
            `${names.en} has ${n} characters, at most ${length} are allowed`,
          );
        return checkPhone(text, names);
      };
    case 'geometry':
      return (text) => checkGeometryValue(text, names);
    case 'binary':
      return (text) => ok(text);
  }
}

interface PreparedItem {
  item: DataItem;
  names: Names;
  check: Checker;
  /** NFKC-normalise before checking (typed items). */
  normalise: boolean;
  allowed: ReadonlySet<string> | null;
}

/** Creates the validator of rows of an entry with these data items. */
export function createValidator(items: readonly DataItem[], options: ValidatorOptions = {}): RowValidator {
  const mask = options.maskSensitive ?? true;
  const prepared: PreparedItem[] = items.map((item) => {
    const names: Names = { zh: `“${item.label}”`, en: `${item.label} (${item.name})` };
    const allowed = options.enumerations?.[item.name];
    return {
      item,
      names,
      check: checkerFor(item, names, options),
      normalise: item.dataType !== 'string' && item.dataType !== 'binary',
      allowed: allowed === undefined ? null : new Set(allowed),
    };
  });
  let counted = 0;

  return {
    items,
    validate(values, context = {}) {
      if (values.length !== items.length)
        throw new RangeError(`a row has ${values.length} values for ${items.length} data items`);
      counted++;
      const row = context.row ?? counted;
      const problems: ValidationProblem[] = [];
      const typed: Record<string, TypedValue | null> = {};
      const filled: boolean[] = [];
      // One closure a row, not one a value: the server runs under tsx, which wraps every closure it
      // creates in a naming helper — a large share of an ingest's time when made per value.
      let item = items[0] as DataItem;
      const problem = (rule: ValidationRule, message: LocalisedText, value: string | null): void => {
        problems.push({
          row,
          column: item.label,
          field: item.name,
          value: value === null ? null : reportedValue(item, value, mask),
          rule,
          message,
        });
      };
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i];
        if (p === undefined) continue;
        item = p.item;
        const { names } = p;
        const raw = values[i] ?? null;
        const unstorable = raw === null ? null : textProblem(raw, 'value');
        if (unstorable !== null) {
          filled.push(true);
          typed[item.name] = null;
          problem('text', { zh: `${names.zh}${unstorable.zh}`, en: `${names.en} ${unstorable.en}` }, raw);
          continue;
        }
        let text = raw === null ? '' : raw.trim();
        // The row's geometry object stands in for an empty geometry value.
        const geometryObject =
          item.dataType === 'geometry' &&
          text === '' &&
          context.geometry !== undefined &&
          context.geometry !== null
            ? context.geometry
            : undefined;
        if (text === '' && geometryObject === undefined) {
          filled.push(false);
          typed[item.name] = null;
          if (item.required)
            problem('required', { zh: `${names.zh}为必填项，不能为空`, en: `${names.en} is required` }, raw);
          continue;
        }
        filled.push(true);
        let outcome: Outcome;
        if (geometryObject !== undefined) outcome = checkGeometryValue(geometryObject, names);
        else {
          if (p.normalise && NON_ASCII.test(text)) text = text.normalize('NFKC').trim();
          outcome = p.check(text);
        }
        if (!outcome.ok) {
          typed[item.name] = null;
          problem(outcome.rule, outcome.message, raw ?? (geometryObject === undefined ? null : '[geometry]'));
          continue;
        }
        if (p.allowed !== null && !p.allowed.has(text)) {
          typed[item.name] = null;
          problem(
            'enumeration',
            {
              zh: `${names.zh}的取值不在代码表中（可选：${[...p.allowed].slice(0, 10).join('、')}${p.allowed.size > 10 ? '等' : ''}）`,
              en: `${names.en} is not one of the allowed values`,
            },
            raw,
          );
          continue;
        }
        typed[item.name] = outcome.value;
      }
      return { row, valid: problems.length === 0, problems, values: typed, filled };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

export interface FieldSummary {
  field: string;
  column: string;
  dataType: DataType;
  required: boolean;
  /** Rows with a value. */
  filled: number;
  /** Rows with a value that passed. */
  valid: number;
  /** Problems found in this field (including missing required values). */
  problems: number;
  /** filled / total rows; null when there are no rows. */
  completeness: number | null;
  /** valid / filled; null when no row has a value. */
  validShare: number | null;
}

/**
 * Something the providing department should know that is not an error: the rows are accepted.
 * `formula_like`: values of a text item beginning with = + - @ (a spreadsheet would run them as
 * formulas; the CSV for spreadsheets exports them with a `'` before them).
 */
export interface ValidationNotice {
  code: 'formula_like';
  field: string;
  column: string;
  /** How many values of the field. */
  count: number;
  /** The first one: its row and value (cut and masked as a problem's value is). */
  firstRow: number;
  firstValue: string;
  message: LocalisedText;
}

/** The notice of `count` formula-like values of a field, the first in `firstRow`. */
export function formulaNotice(
  n: Pick<ValidationNotice, 'field' | 'column' | 'count' | 'firstRow' | 'firstValue'>,
): ValidationNotice {
  return {
    code: 'formula_like',
    ...n,
    message: {
      zh: `“${n.column}”有 ${n.count} 个值以 =、+、-、@ 开头（首个在第 ${n.firstRow} 行：${n.firstValue}），电子表格打开时可能当作公式执行；导出供电子表格使用的 CSV 时会在其前加单引号 '。请核实这些值`,
      en: `${n.count} values of ${n.column} (${n.field}) begin with =, +, - or @ (the first in row ${n.firstRow}: ${n.firstValue}); a spreadsheet may run them as formulas, so the CSV for spreadsheets puts a ' before them. Please check these values`,
    },
  };
}

export interface ValidationSummary {
  totalRows: number;
  validRows: number;
  invalidRows: number;
  /** All problems found. */
  problemCount: number;
  /** Whether `problems` lists fewer than `problemCount`. */
  problemsTruncated: boolean;
  problemsByRule: Partial<Record<ValidationRule, number>>;
  fields: FieldSummary[];
  /** The first problems found, in row order (at most `maxProblems`). */
  problems: ValidationProblem[];
  /** Notices, one per field at most, in item order (absent in reports stored before there were any). */
  notices?: ValidationNotice[];
}

export interface ValidationReportOptions {
  /** How many problems to list (default 1,000); all are counted. */
  maxProblems?: number;
  /** Mask values of sensitivity 3–4 in notices (default true), as the validator does in problems. */
  maskSensitive?: boolean;
}

/** Adds up the results of the rows of one data version. */
export class ValidationReport {
  private readonly maxProblems: number;
  private readonly mask: boolean;
  private readonly listed: ValidationProblem[] = [];
  private readonly filledCounts: number[];
  private readonly validCounts: number[];
  private readonly problemCounts: number[];
  private readonly byRule: Partial<Record<ValidationRule, number>> = {};
  private readonly fieldIndex: Map<string, number>;
  /** Items whose values are text (only those can be formula-like), by index. */
  private readonly textItems: number[];
  private readonly formulaLike = new Map<number, { count: number; firstRow: number; firstValue: string }>();
  private rows = 0;
  private valid = 0;
  private problemCount = 0;

  constructor(
    private readonly items: readonly DataItem[],
    options: ValidationReportOptions = {},
  ) {
    this.maxProblems = options.maxProblems ?? 1000;
    this.mask = options.maskSensitive ?? true;
    this.filledCounts = items.map(() => 0);
    this.validCounts = items.map(() => 0);
    this.problemCounts = items.map(() => 0);
    this.fieldIndex = new Map(items.map((item, i) => [item.name, i]));
    this.textItems = items.flatMap((item, i) => (holdsText(item.dataType) ? [i] : []));
  }

  add(result: RowResult): void {
    if (result.filled.length !== this.items.length)
      throw new RangeError('the row result does not belong to these data items');
    this.rows++;
    if (result.valid) this.valid++;
    const failed = new Set<number>();
    for (const problem of result.problems) {
      this.problemCount++;
      this.byRule[problem.rule] = (this.byRule[problem.rule] ?? 0) + 1;
      const index = this.fieldIndex.get(problem.field);
      if (index !== undefined) {
        failed.add(index);
        this.problemCounts[index] = (this.problemCounts[index] ?? 0) + 1;
      }
      if (this.listed.length < this.maxProblems) this.listed.push(problem);
    }
    for (let i = 0; i < this.items.length; i++) {
      if (result.filled[i] !== true) continue;
      this.filledCounts[i] = (this.filledCounts[i] ?? 0) + 1;
      if (!failed.has(i)) this.validCounts[i] = (this.validCounts[i] ?? 0) + 1;
    }
    // Values as they are stored (checked, trimmed): those a spreadsheet would run as formulas.
    for (const i of this.textItems) {
      const item = this.items[i] as DataItem;
      const value = result.values[item.name];
      if (typeof value !== 'string' || !isFormulaLike(value)) continue;
      const seen = this.formulaLike.get(i);
      if (seen) seen.count++;
      else
        this.formulaLike.set(i, {
          count: 1,
          firstRow: result.row,
          firstValue: reportedValue(item, value, this.mask),
        });
    }
  }

  get totalRows(): number {
    return this.rows;
  }

  get validRows(): number {
    return this.valid;
  }

  get invalidRows(): number {
    return this.rows - this.valid;
  }

  summary(): ValidationSummary {
    return {
      totalRows: this.rows,
      validRows: this.valid,
      invalidRows: this.rows - this.valid,
      problemCount: this.problemCount,
      problemsTruncated: this.problemCount > this.listed.length,
      problemsByRule: { ...this.byRule },
      fields: this.items.map((item, i) => {
        const filled = this.filledCounts[i] ?? 0;
        const valid = this.validCounts[i] ?? 0;
        return {
          field: item.name,
          column: item.label,
          dataType: item.dataType,
          required: item.required,
          filled,
          valid,
          problems: this.problemCounts[i] ?? 0,
          completeness: this.rows === 0 ? null : filled / this.rows,
          validShare: filled === 0 ? null : valid / filled,
        };
      }),
      problems: [...this.listed],
      notices: this.items.flatMap((item, i) => {
        const f = this.formulaLike.get(i);
        return f ? [formulaNotice({ field: item.name, column: item.label, ...f })] : [];
      }),
    };
  }

  toJSON(): ValidationSummary {
    return this.summary();
  }
}
