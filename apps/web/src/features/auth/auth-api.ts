import type { MeAccount, RegisterBody } from '@huitong/contract/org';
import type { Role } from '@huitong/contract/values';
import { call } from '../../api/client';

export const authApi = {
  me: () => call('GET /api/auth/me'),
  signIn: (username: string, password: string) =>
    call('POST /api/auth/sign-in', { body: { username, password } }),
  signOut: () => call('POST /api/auth/sign-out'),
  changePassword: (currentPassword: string, newPassword: string) =>
    call('POST /api/auth/password', { body: { currentPassword, newPassword } }),
  register: (input: RegisterBody) => call('POST /api/auth/register', { body: input }),
};

export function hasRole(account: MeAccount | null | undefined, ...roles: Role[]): boolean {
  if (!account || account.kind !== 'staff') return false;
  return roles.some((r) => account.roles.includes(r));
}

/** A platform administrator of a big-data authority (city or district). */
export function isAdmin(account: MeAccount | null | undefined): boolean {
  return hasRole(account, 'admin') && account?.org?.kind === 'authority';
}

/** A platform administrator of the city authority: divisions and the holiday calendar. */
export function isCityAdmin(account: MeAccount | null | undefined): boolean {
  return isAdmin(account) && account?.org?.level === 'city';
}
