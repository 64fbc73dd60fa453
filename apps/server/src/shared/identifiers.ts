/**
 * Check characters of Chinese identifiers (see ../shared/REFERENCE.md):
 * 统一社会信用代码 (GB 32100-2015) and 公民身份号码 (GB 11643-1999).
 */

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The 18th character of a credit code whose first 17 characters are given, or null if they are not valid. */
export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return null;
    sum += value * (CREDIT_WEIGHTS[i] ?? 0);
  }
  const c = 31 - (sum % 31);
  return CREDIT_ALPHABET.charAt(c === 31 ? 0 : c);
}

export type CreditCodeProblem = 'length' | 'alphabet' | 'check';

/** Why a 统一社会信用代码 is invalid, or null when it is valid. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!CREDIT_ALPHABET.includes(ch)) return 'alphabet';
  return creditCodeCheckCharacter(code.slice(0, 17)) === code.charAt(17) ? null : 'check';
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The 18th character of a 公民身份号码 whose first 17 digits are given, or null. */
export function idNumberCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11);
}

export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const birth = id.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth)
    return false;
  return idNumberCheckCharacter(id.slice(0, 17)) === id.charAt(17);
}

// ---------------------------------------------------------------------------------------------
// Structure of identifiers: the 组织机构代码 (GB 11714-1997) inside a credit code, the parts of a
// 统一社会信用代码 (GB 32100-2015 table 1) and the parts of a 公民身份号码.
// ---------------------------------------------------------------------------------------------

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Value of a 组织机构代码 character: 0–9, then A = 10 … Z = 35 (GB 11714; all 26 letters). */
function orgCodeValue(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

/**
 * The 9th character of a 组织机构代码 (GB 11714-1997) whose first 8 characters are given, or null:
 * C9 = 11 − (Σ value × weight mod 11) with weights 3 7 9 10 5 8 4 2; 10 is written X and 11 is 0.
 */
export function organisationCodeCheckCharacter(first8: string): string | null {
  if (first8.length !== 8) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const value = orgCodeValue(first8.charAt(i));
    if (value < 0) return null;
    sum += value * (ORG_CODE_WEIGHTS[i] ?? 0);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A 9-character 组织机构代码 (without the hyphen) with the right check character. */
export function isValidOrganisationCode(code: string): boolean {
  return code.length === 9 && organisationCodeCheckCharacter(code.slice(0, 8)) === code.charAt(8);
}

/**
 * 登记管理部门代码 (position 1) → 机构类别代码 (position 2) → names, after GB 32100-2015 table 1 as
 * amended (A 中央军委改革和编制办公室 and N 农业 added; 3 is 司法行政).
 */
export const CREDIT_CODE_AUTHORITIES: Readonly<
  Record<string, { name: string; types: Readonly<Record<string, string>> }>
> = {
  '1': {
    name: '机构编制',
    types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' },
  },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: {
      '1': '律师执业机构',
      '2': '公证处',
      '3': '基层法律服务所',
      '4': '司法鉴定机构',
      '5': '仲裁委员会',
      '9': '其他',
    },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': {
    name: '旅游',
    types: {
      '1': '外国旅游部门常驻代表机构',
      '2': '港澳台地区旅游部门常驻内地（大陆）代表机构',
      '9': '其他',
    },
  },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: {
    name: '农业',
    types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' },
  },
  Y: { name: '其他', types: { '1': '其他' } },
};

/** Six digits under a province-level code (81 香港, 82 澳门, 83 台湾 appear in residence permits). */
const DIVISION_CODE = /^(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])\d{4}$/;

/**
 * Whether six characters can be a GB/T 2260 division code: six digits under a known province.
 * Only the province is checked: codes are revised every year and an identifier keeps the code it
 * was issued under, so a full table would reject old identifiers.
 */
export function isPlausibleDivisionCode(code: string): boolean {
  return DIVISION_CODE.test(code);
}

export type CreditCodeStructureProblem =
  'registration_authority' | 'entity_type' | 'division' | 'organisation_code';

/**
 * What is wrong with the structure of an 18-character credit code, or null: position 1 a
 * 登记管理部门代码 and position 2 one of its 机构类别代码 (table 1), positions 3–8 a division code
 * (100000 for national authorities), positions 9–17 a 组织机构代码 whose 9th character is its own
 * GB 11714 check character. Length, alphabet and the final check character are `creditCodeProblem`'s.
 */
export function creditCodeStructureProblem(code: string): CreditCodeStructureProblem | null {
  const authority = CREDIT_CODE_AUTHORITIES[code.charAt(0)];
  if (authority === undefined) return 'registration_authority';
  if (authority.types[code.charAt(1)] === undefined) return 'entity_type';
  const division = code.slice(2, 8);
  if (division !== '100000' && !isPlausibleDivisionCode(division)) return 'division';
  if (!isValidOrganisationCode(code.slice(8, 17))) return 'organisation_code';
  return null;
}

/** A credit code that is valid in every respect: alphabet, check character and structure. */
export function isWellFormedCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null && creditCodeStructureProblem(code) === null;
}

export type IdNumberProblem = 'old_format' | 'format' | 'division' | 'birth_date' | 'check';

/**
 * Why a 公民身份号码 is invalid, or null: 18 characters (17 digits and a digit or X), a division code
 * under a known province, a real birth date from 1800 on (GB 11643 prints an 1880 example) and not
 * after `latestBirthDate` (YYYYMMDD) when given, and the right check character. A 15-digit number of
 * the 1984 format is `old_format`: it has no check character and must be converted before use.
 */
export function idNumberProblem(id: string, latestBirthDate?: string): IdNumberProblem | null {
  if (/^\d{15}$/.test(id)) return 'old_format';
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (!isPlausibleDivisionCode(id.slice(0, 6))) return 'division';
  const birth = id.slice(6, 14);
  const year = Number(birth.slice(0, 4));
  const month = Number(birth.slice(4, 6));
  const day = Number(birth.slice(6, 8));
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return 'birth_date';
  if (latestBirthDate !== undefined && birth > latestBirthDate) return 'birth_date';
  return idNumberCheckCharacter(id.slice(0, 17)) === id.charAt(17) ? null : 'check';
}

/** Days in a month of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
