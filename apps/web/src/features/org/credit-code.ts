/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and A-Z without I, O, S, V, Z; the last
 * is a check character (weighted sum of the first 17, modulo 31). The server checks the same rule;
 * checking it here only spares the user a round trip.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function isValidCreditCode(code: string): boolean {
  if (code.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = ALPHABET.indexOf(code.charAt(i));
    if (value < 0) return false;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  const c = 31 - (sum % 31);
  return code.charAt(17) === ALPHABET.charAt(c === 31 ? 0 : c);
}
