import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_AUTHORITIES,
  creditCodeCheckCharacter,
  creditCodeProblem,
  creditCodeStructureProblem,
  daysInMonth,
  idNumberCheckCharacter,
  idNumberProblem,
  isPlausibleDivisionCode,
  isValidCreditCode,
  isValidIdNumber,
  isValidOrganisationCode,
  isWellFormedCreditCode,
  organisationCodeCheckCharacter,
} from './identifiers.ts';

/*
 * Expected check characters are worked out by hand from REFERENCE.md, never taken from the code
 * under test.
 *
 * 统一社会信用代码 (GB 32100-2015): alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY, so
 *   A=10 B=11 C=12 D=13 E=14 F=15 G=16 H=17 J=18 K=19 L=20 M=21 N=22 P=23 Q=24 R=25 T=26 U=27
 *   W=28 X=29 Y=30; weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28;
 *   C = 31 − (Σ mod 31), C = 31 → 0.
 *
 * 公民身份号码 (GB 11643-1999): weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2;
 *   check = "10X98765432"[S mod 11].
 */

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ID_CHECK_CHARACTERS = '0123456789X';

/**
 * 91350100M000100Y43 (the example printed in GB 32100):
 *   9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0·29 + 0·25 + 0·13 + 1·8 + 0·24
 *   + 0·10 + Y(30)·30 + 4·28
 *   = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640
 *   1640 mod 31 = 1640 − 52·31 = 28 → C = 31 − 28 = 3 → '3'
 */
const CREDIT_STANDARD_EXAMPLE = { first17: '91350100M000100Y4', check: '3' };

/**
 * 91210102MA0QXKJ12F (an enterprise registered in 和平区, 210102):
 *   9·1 + 1·3 + 2·9 + 1·27 + 0·19 + 1·26 + 0·16 + 2·17 + M(21)·20 + A(10)·29 + 0·25 + Q(24)·13
 *   + X(29)·8 + K(19)·24 + J(18)·10 + 1·30 + 2·28
 *   = 9 + 3 + 18 + 27 + 0 + 26 + 0 + 34 + 420 + 290 + 0 + 312 + 232 + 456 + 180 + 30 + 56 = 2093
 *   2093 mod 31 = 2093 − 67·31 = 16 → C = 31 − 16 = 15 → 'F'
 */
const CREDIT_SHENYANG_ENTERPRISE = { first17: '91210102MA0QXKJ12', check: 'F' };

/**
 * 1121010000000000R0 (a government organ, 机关 11, of 沈阳市 210100), the C = 31 → '0' case:
 *   1·1 + 1·3 + 2·9 + 1·27 + 0·19 + 1·26 + 0·16 + 0·17 + 0·(20+29+25+13+8+24+10+30) + R(25)·28
 *   = 1 + 3 + 18 + 27 + 26 + 700 = 775 = 25·31 → 775 mod 31 = 0 → C = 31 → '0'
 */
const CREDIT_C31 = { first17: '1121010000000000R', check: '0' };

/**
 * 11010519491231002X (the example printed in GB 11643), S mod 11 = 2 → 'X':
 *   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
 *   = 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167
 *   167 mod 11 = 167 − 15·11 = 2 → 'X'
 */
const ID_STANDARD_X = { first17: '11010519491231002', check: 'X' };

/**
 * 440524188001010014 (also from GB 11643):
 *   4·7 + 4·9 + 0·10 + 5·5 + 2·8 + 4·4 + 1·2 + 8·1 + 8·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5 + 0·8 + 0·4 + 1·2
 *   = 28 + 36 + 0 + 25 + 16 + 16 + 2 + 8 + 48 + 0 + 0 + 9 + 0 + 5 + 0 + 0 + 2 = 195
 *   195 mod 11 = 195 − 17·11 = 8 → "10X98765432"[8] = '4'
 */
const ID_STANDARD_4 = { first17: '44052418800101001', check: '4' };

/**
 * 210102199003071233 (和平区, born 1990-03-07):
 *   2·7 + 1·9 + 0·10 + 1·5 + 0·8 + 2·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 3·9 + 0·10 + 7·5 + 1·8 + 2·4 + 3·2
 *   = 14 + 9 + 0 + 5 + 0 + 8 + 2 + 9 + 54 + 0 + 0 + 27 + 0 + 35 + 8 + 8 + 6 = 185
 *   185 mod 11 = 185 − 16·11 = 9 → "10X98765432"[9] = '3'
 */
const ID_SHENYANG = { first17: '21010219900307123', check: '3' };

/**
 * 210102199003071241, the S mod 11 = 0 → '1' case: same as above up to position 16 (sum 179),
 *   position 17 is 4: 179 + 4·2 = 187 = 17·11 → 187 mod 11 = 0 → '1'
 */
const ID_MOD_0 = { first17: '21010219900307124', check: '1' };

/**
 * 210102199003071110, the S mod 11 = 1 → '0' case: same as above up to position 15 (sum 171),
 *   positions 16–17 are 1 1: 171 + 1·4 + 1·2 = 177 = 16·11 + 1 → 177 mod 11 = 1 → '0'
 */
const ID_MOD_1 = { first17: '21010219900307111', check: '0' };

/**
 * 210102199002301236: a correct check character on an impossible birth date (1990-02-30):
 *   2·7 + 1·9 + 0·10 + 1·5 + 0·8 + 2·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 2·9 + 3·10 + 0·5 + 1·8 + 2·4 + 3·2
 *   = 14 + 9 + 0 + 5 + 0 + 8 + 2 + 9 + 54 + 0 + 0 + 18 + 30 + 0 + 8 + 8 + 6 = 171
 *   171 mod 11 = 171 − 15·11 = 6 → "10X98765432"[6] = '6'
 */
const ID_FEB_30 = { first17: '21010219900230123', check: '6' };

const CREDIT_EXAMPLES = [CREDIT_STANDARD_EXAMPLE, CREDIT_SHENYANG_ENTERPRISE, CREDIT_C31];
const ID_EXAMPLES = [ID_STANDARD_X, ID_STANDARD_4, ID_SHENYANG, ID_MOD_0, ID_MOD_1];

describe('统一社会信用代码 (GB 32100)', () => {
  it.each(CREDIT_EXAMPLES)('computes the check character of $first17 as $check', ({ first17, check }) => {
    expect(creditCodeCheckCharacter(first17)).toBe(check);
  });

  it.each(CREDIT_EXAMPLES)('accepts the valid code $first17$check', ({ first17, check }) => {
    expect(creditCodeProblem(first17 + check)).toBeNull();
    expect(isValidCreditCode(first17 + check)).toBe(true);
  });

  it('maps C = 31 to 0, not to an out-of-range character', () => {
    const code = CREDIT_C31.first17 + CREDIT_C31.check;
    expect(code).toBe('1121010000000000R0');
    expect(isValidCreditCode(code)).toBe(true);
    expect(isValidCreditCode(`${CREDIT_C31.first17}Y`)).toBe(false);
  });

  it.each(CREDIT_EXAMPLES)('rejects every other check character after $first17', ({ first17, check }) => {
    const wrong = [...CREDIT_ALPHABET].filter((c) => c !== check);
    expect(wrong).toHaveLength(30);
    for (const c of wrong) {
      expect(creditCodeProblem(first17 + c), `${first17}${c}`).toBe('check');
      expect(isValidCreditCode(first17 + c)).toBe(false);
    }
  });

  it('rejects a change in the body that the check character no longer matches', () => {
    // Position 9 M (21) → N (22) adds 20 to the sum, so '3' no longer fits.
    expect(creditCodeProblem('91350100N000100Y43')).toBe('check');
    // Two transposed characters (positions 1 and 2) change the weighted sum.
    expect(creditCodeProblem('19350100M000100Y43')).toBe('check');
  });

  it('rejects a wrong length', () => {
    const valid = '91350100M000100Y43';
    expect(creditCodeProblem(valid.slice(0, 17))).toBe('length');
    expect(creditCodeProblem(`${valid}3`)).toBe('length');
    expect(creditCodeProblem('')).toBe('length');
    expect(isValidCreditCode(` ${valid}`)).toBe(false);
    expect(isValidCreditCode(`${valid} `)).toBe(false);
    expect(creditCodeCheckCharacter(valid.slice(0, 16))).toBeNull();
    expect(creditCodeCheckCharacter(valid)).toBeNull();
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('rejects the forbidden letter %s anywhere in the code', (letter) => {
    // In the body (in place of M) and as the check character.
    expect(creditCodeProblem(`91350100${letter}000100Y43`)).toBe('alphabet');
    expect(creditCodeProblem(`91350100M000100Y4${letter}`)).toBe('alphabet');
    expect(creditCodeCheckCharacter(`91350100${letter}000100Y4`)).toBeNull();
  });

  it('rejects lower case letters', () => {
    expect(creditCodeProblem('91350100m000100y43')).toBe('alphabet');
    expect(creditCodeProblem('91210102MA0QXKJ12f')).toBe('alphabet');
    expect(isValidCreditCode('91210102ma0qxkj12f')).toBe(false);
    expect(creditCodeCheckCharacter('91350100m000100y4')).toBeNull();
  });

  it('rejects full-width digits and other characters', () => {
    expect(creditCodeProblem('９1350100M000100Y43')).toBe('alphabet');
    expect(creditCodeProblem('91350100M000100Y4-')).toBe('alphabet');
  });
});

describe('公民身份号码 (GB 11643)', () => {
  it.each(ID_EXAMPLES)('computes the check character of $first17 as $check', ({ first17, check }) => {
    expect(idNumberCheckCharacter(first17)).toBe(check);
  });

  it.each(ID_EXAMPLES)('accepts the valid number $first17$check', ({ first17, check }) => {
    expect(isValidIdNumber(first17 + check)).toBe(true);
  });

  it('uses X for S mod 11 = 2 and 1 for S mod 11 = 0', () => {
    expect(ID_STANDARD_X.first17 + ID_STANDARD_X.check).toBe('11010519491231002X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('210102199003071241')).toBe(true);
    // Swapping the two special characters is caught.
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('21010219900307124X')).toBe(false);
  });

  it.each(ID_EXAMPLES)('rejects every other check character after $first17', ({ first17, check }) => {
    const wrong = [...ID_CHECK_CHARACTERS].filter((c) => c !== check);
    expect(wrong).toHaveLength(10);
    for (const c of wrong) expect(isValidIdNumber(first17 + c), `${first17}${c}`).toBe(false);
  });

  it('rejects a lower-case x (GB 11643 writes the Roman numeral X)', () => {
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
  });

  it('rejects a wrong length and the old 15-digit format', () => {
    expect(isValidIdNumber('21010219900307123')).toBe(false);
    expect(isValidIdNumber('2101021990030712330')).toBe(false);
    expect(isValidIdNumber('210102900307123')).toBe(false);
    expect(isValidIdNumber('')).toBe(false);
    expect(isValidIdNumber(' 210102199003071233')).toBe(false);
    expect(idNumberCheckCharacter('2101021990030712')).toBeNull();
  });

  it('rejects letters other than a final X', () => {
    expect(isValidIdNumber('2101021990030712X3')).toBe(false);
    expect(isValidIdNumber('A10102199003071233')).toBe(false);
    expect(idNumberCheckCharacter('2101021990030712X')).toBeNull();
  });

  it('rejects an impossible birth date even with a correct check character', () => {
    // The check character was worked out by hand above: only the date is wrong.
    expect(idNumberCheckCharacter(ID_FEB_30.first17)).toBe(ID_FEB_30.check);
    expect(isValidIdNumber(ID_FEB_30.first17 + ID_FEB_30.check)).toBe(false);
  });

  it.each([
    ['1990-13-01', '19901301'],
    ['1990-00-10', '19900010'],
    ['1990-04-31', '19900431'],
    ['1990-01-00', '19900100'],
    ['1990-01-32', '19900132'],
    ['1900-02-29 (1900 is not a leap year)', '19000229'],
    ['2023-02-29', '20230229'],
  ])('rejects the birth date %s', (_label, birth) => {
    const first17 = `210102${birth}123`;
    const check = idNumberCheckCharacter(first17);
    expect(check).not.toBeNull();
    expect(isValidIdNumber(`${first17}${check ?? ''}`)).toBe(false);
  });

  it.each([
    ['2000-02-29 (divisible by 400)', '20000229'],
    ['2024-02-29', '20240229'],
    ['1990-12-31', '19901231'],
  ])('accepts the birth date %s', (_label, birth) => {
    const first17 = `210102${birth}123`;
    const check = idNumberCheckCharacter(first17);
    expect(check).not.toBeNull();
    expect(isValidIdNumber(`${first17}${check ?? ''}`)).toBe(true);
  });
});

/*
 * 组织机构代码 (GB 11714-1997): characters 0–9 = 0–9 and A = 10 … Z = 35 (all 26 letters, so Y = 34,
 * unlike the credit-code alphabet); weights 3 7 9 10 5 8 4 2; C9 = 11 − (Σ mod 11), 10 → X, 11 → 0.
 */
describe('组织机构代码 (GB 11714)', () => {
  it('computes the check character of the standard example D2143569-X', () => {
    // D(13)·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 39 + 14 + 9 + 40 + 15 + 40 + 24 + 18 = 199
    // 199 mod 11 = 1 → 11 − 1 = 10 → 'X'
    expect(organisationCodeCheckCharacter('D2143569')).toBe('X');
    expect(isValidOrganisationCode('D2143569X')).toBe(true);
    expect(isValidOrganisationCode('D21435690')).toBe(false);
  });

  it('computes the check character inside the GB 32100 example (M000100Y-4)', () => {
    // M(22)·3 + 0 + 0 + 0 + 1·5 + 0 + 0 + Y(34)·2 = 66 + 5 + 68 = 139; 139 mod 11 = 7 → 4
    expect(organisationCodeCheckCharacter('M000100Y')).toBe('4');
  });

  it('writes 11 as 0', () => {
    // 1·3 + 4·2 = 11; 11 mod 11 = 0 → 11 − 0 = 11 → '0'
    expect(organisationCodeCheckCharacter('10000004')).toBe('0');
    // MA0QXKJ1: M(22)·3 + A(10)·7 + 0 + Q(26)·10 + X(33)·5 + K(20)·8 + J(19)·4 + 1·2
    //   = 66 + 70 + 260 + 165 + 160 + 76 + 2 = 799; 799 mod 11 = 7 → '4'
    expect(organisationCodeCheckCharacter('MA0QXKJ1')).toBe('4');
  });

  it('rejects wrong lengths, lower case and other characters', () => {
    expect(organisationCodeCheckCharacter('D214356')).toBeNull();
    expect(organisationCodeCheckCharacter('d2143569')).toBeNull();
    expect(organisationCodeCheckCharacter('D214356-')).toBeNull();
    expect(isValidOrganisationCode('D2143569-X')).toBe(false);
  });
});

describe('统一社会信用代码 structure (GB 32100 table 1)', () => {
  /**
   * 91210102MA0QXKJ14M: 企业 of 和平区 with the organisation code MA0QXKJ1-4 (above):
   *   9·1 + 1·3 + 2·9 + 1·27 + 0·19 + 1·26 + 0·16 + 2·17 + M(21)·20 + A(10)·29 + 0·25 + Q(24)·13
   *   + X(29)·8 + K(19)·24 + J(18)·10 + 1·30 + 4·28
   *   = 9 + 3 + 18 + 27 + 0 + 26 + 0 + 34 + 420 + 290 + 0 + 312 + 232 + 456 + 180 + 30 + 112 = 2149
   *   2149 mod 31 = 2149 − 69·31 = 10 → C = 21 → 'M'
   */
  const ENTERPRISE = '91210102MA0QXKJ14M';
  /**
   * 12210102D2143569X5: 事业单位 of 和平区 with the organisation code D2143569-X:
   *   1 + 2·3 + 2·9 + 1·27 + 0 + 1·26 + 0 + 2·17 + D(13)·20 + 2·29 + 1·25 + 4·13 + 3·8 + 5·24 + 6·10
   *   + 9·30 + X(29)·28 = 1 + 6 + 18 + 27 + 26 + 34 + 260 + 58 + 25 + 52 + 24 + 120 + 60 + 270 + 812
   *   = 1793; 1793 mod 31 = 1793 − 57·31 = 26 → C = 5 → '5'
   */
  const INSTITUTION = '12210102D2143569X5';

  it.each([ENTERPRISE, INSTITUTION, '91350100M000100Y43'])('accepts the well-formed code %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
    expect(creditCodeStructureProblem(code)).toBeNull();
    expect(isWellFormedCreditCode(code)).toBe(true);
  });

  it('finds a check character that fits but an organisation code that does not', () => {
    // 91210102MA0QXKJ12F passes the GB 32100 check (worked out above) but MA0QXKJ1's own check is 4, not 2.
    expect(creditCodeProblem('91210102MA0QXKJ12F')).toBeNull();
    expect(creditCodeStructureProblem('91210102MA0QXKJ12F')).toBe('organisation_code');
    expect(isWellFormedCreditCode('91210102MA0QXKJ12F')).toBe(false);
    // 1121010000000000R0: 00000000's check is 0 (sum 0 → 11 → 0), not R.
    expect(creditCodeStructureProblem('1121010000000000R0')).toBe('organisation_code');
  });

  it('rejects unknown registration authorities and entity types', () => {
    expect(creditCodeStructureProblem(`B${ENTERPRISE.slice(1)}`)).toBe('registration_authority');
    expect(creditCodeStructureProblem(`0${ENTERPRISE.slice(1)}`)).toBe('registration_authority');
    // 工商 has 1 企业, 2 个体工商户, 3 农民专业合作社 only; 其他 only 1.
    expect(creditCodeStructureProblem(`94${ENTERPRISE.slice(2)}`)).toBe('entity_type');
    expect(creditCodeStructureProblem(`99${ENTERPRISE.slice(2)}`)).toBe('entity_type');
    expect(creditCodeStructureProblem(`Y2${ENTERPRISE.slice(2)}`)).toBe('entity_type');
    expect(creditCodeStructureProblem(`Y1${ENTERPRISE.slice(2)}`)).toBeNull();
    expect(creditCodeStructureProblem(`N3${ENTERPRISE.slice(2)}`)).toBeNull();
    expect(creditCodeStructureProblem(`35${ENTERPRISE.slice(2)}`)).toBeNull();
  });

  it('checks the division code of the registering authority', () => {
    expect(creditCodeStructureProblem('91000000MA0QXKJ14M')).toBe('division');
    expect(creditCodeStructureProblem('919901A2MA0QXKJ14M')).toBe('division');
    expect(creditCodeStructureProblem('9199010AMA0QXKJ14M')).toBe('division');
    // National authorities register under 100000.
    expect(creditCodeStructureProblem('11100000MA0QXKJ14M')).toBeNull();
  });

  it('lists every entity type of every authority with a Chinese name', () => {
    expect(Object.keys(CREDIT_CODE_AUTHORITIES).sort()).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'N', 'Y'].sort(),
    );
    expect(CREDIT_CODE_AUTHORITIES['9']?.types).toEqual({
      '1': '企业',
      '2': '个体工商户',
      '3': '农民专业合作社',
    });
    expect(CREDIT_CODE_AUTHORITIES['3']?.name).toBe('司法行政');
  });
});

describe('division codes and 公民身份号码 problems', () => {
  it.each(['210102', '210100', '110105', '440524', '650102', '810000', '830000'])('accepts %s', (code) => {
    expect(isPlausibleDivisionCode(code)).toBe(true);
  });

  it.each(['000000', '100000', '160101', '240101', '380101', '99010A', '21010', '2101021'])(
    'rejects %s',
    (code) => {
      expect(isPlausibleDivisionCode(code)).toBe(false);
    },
  );

  it('names what is wrong with an identity number', () => {
    expect(idNumberProblem('210102199003071233')).toBeNull();
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    // The 1880 example of GB 11643 is a real date.
    expect(idNumberProblem('440524188001010014')).toBeNull();
    expect(idNumberProblem('210102900307123')).toBe('old_format');
    expect(idNumberProblem('21010219900307123')).toBe('format');
    expect(idNumberProblem('11010519491231002x')).toBe('format');
    expect(idNumberProblem('990102199003071233')).toBe('division');
    expect(idNumberProblem('210102199002301236')).toBe('birth_date');
    expect(idNumberProblem('210102199003071234')).toBe('check');
  });

  it('rejects a birth date after the latest one allowed', () => {
    expect(idNumberProblem('210102199003071233', '19900307')).toBeNull();
    expect(idNumberProblem('210102199003071233', '19900306')).toBe('birth_date');
  });

  it('counts the days of a month', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
  });
});
