const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '@#$%&*!?';

function pickFrom(alphabet: string, random: number): string {
  return alphabet.charAt(random % alphabet.length);
}

/** A 14-character temporary password with upper and lower case letters, digits and a symbol. */
export function generatePassword(length = 14): string {
  const randoms = new Uint32Array(length + 4);
  crypto.getRandomValues(randoms);
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const chars = [
    pickFrom(UPPER, randoms[0] ?? 0),
    pickFrom(LOWER, randoms[1] ?? 0),
    pickFrom(DIGITS, randoms[2] ?? 0),
    pickFrom(SYMBOLS, randoms[3] ?? 0),
  ];
  for (let i = 4; i < length; i += 1) chars.push(pickFrom(all, randoms[i] ?? 0));
  // Shuffle so the required classes are not always at the front.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = (randoms[length + (i % 4)] ?? 0) % (i + 1);
    const a = chars[i] ?? '';
    chars[i] = chars[j] ?? '';
    chars[j] = a;
  }
  return chars.join('');
}
