import type { MeAccount, RegisterBody } from '@huitong/contract/org';
import type { Capability } from '@huitong/contract/values';
import { call } from '../../api/client';

export const authApi = {
  me: () => call('GET /api/auth/me'),
  /** Who is calling, signed in or not (200 either way; `me` is null when anonymous). */
  session: () => call('GET /api/auth/session'),
  signIn: (username: string, password: string) =>
    call('POST /api/auth/sign-in', { body: { username, password } }),
  signOut: () => call('POST /api/auth/sign-out'),
  changePassword: (currentPassword: string, newPassword: string) =>
    call('POST /api/auth/password', { body: { currentPassword, newPassword } }),
  register: (input: RegisterBody) => call('POST /api/auth/register', { body: input }),
};

/**
 * Does the account have one of these capabilities? The server's policy module decides them and
 * `/api/auth/me` lists them; the web never re-derives a rule from roles or organisation kinds.
 */
export function hasCapability(account: MeAccount | null | undefined, ...capabilities: Capability[]): boolean {
  return !!account && capabilities.some((c) => account.capabilities.includes(c));
}

/** A platform administrator of a big-data authority (city or district). */
export const isAdmin = (account: MeAccount | null | undefined): boolean => hasCapability(account, 'admin');

/** A platform administrator of the city authority: divisions and the holiday calendar. */
export const isCityAdmin = (account: MeAccount | null | undefined): boolean =>
  hasCapability(account, 'cityAdmin');
