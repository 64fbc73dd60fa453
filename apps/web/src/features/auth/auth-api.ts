import { api } from '../../api/client';
import type { OrgKind, OrgLevel, PublicType } from '../org/org-types';

export type MeOrg = {
  id: string;
  name: string;
  kind: OrgKind;
  level: OrgLevel;
  divisionCode?: string;
  shortName?: string | null;
};

export type MeAccount = {
  id: string;
  username: string;
  displayName: string;
  kind: 'staff' | 'public' | 'credential';
  publicType: PublicType | null;
  mustChangePassword: boolean;
  org: MeOrg | null;
  roles: string[];
};

export type Me = { account: MeAccount; csrfToken: string | null };

export type RegisterInput = {
  username: string;
  password: string;
  displayName: string;
  publicType: PublicType;
  creditCode?: string;
  phone?: string;
  email?: string;
};

export const authApi = {
  me: (): Promise<Me> => api.get<Me>('/api/auth/me'),
  signIn: (username: string, password: string): Promise<Me> =>
    api.post<Me>('/api/auth/sign-in', { username, password }),
  signOut: (): Promise<unknown> => api.post<unknown>('/api/auth/sign-out'),
  changePassword: (currentPassword: string, newPassword: string): Promise<unknown> =>
    api.post<unknown>('/api/auth/password', { currentPassword, newPassword }),
  register: (input: RegisterInput): Promise<unknown> => api.post<unknown>('/api/auth/register', input),
};

export function hasRole(account: MeAccount | null | undefined, ...roles: string[]): boolean {
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
