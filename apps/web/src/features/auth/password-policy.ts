/** The server's rule: at least 10 characters from at least three of upper, lower, digits, symbols. */
export const PASSWORD_MIN_LENGTH = 10;

export function passwordClasses(password: string): number {
  let n = 0;
  if (/[A-Z]/.test(password)) n += 1;
  if (/[a-z]/.test(password)) n += 1;
  if (/[0-9]/.test(password)) n += 1;
  if (/[^A-Za-z0-9]/.test(password)) n += 1;
  return n;
}

export function isStrongPassword(password: string): boolean {
  return password.length >= PASSWORD_MIN_LENGTH && passwordClasses(password) >= 3;
}

/** User names: 3–50 characters, letters, digits, dot, underscore, hyphen; starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,49}$/;
