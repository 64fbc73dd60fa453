import { api, encodeSegment, itemsOf, type Page } from '../../api/client';
import type {
  AccountStatus,
  Credential,
  Division,
  DivisionKind,
  OrgKind,
  Organisation,
  OrganisationInput,
  StaffAccount,
} from './org-types';

export type OrganisationQuery = {
  page: number;
  pageSize: number;
  q?: string | undefined;
  kind?: OrgKind | undefined;
  divisionCode?: string | undefined;
};

export type AccountQuery = {
  page: number;
  pageSize: number;
  q?: string | undefined;
  orgId?: string | undefined;
};

export type CreateAccountInput = {
  username: string;
  displayName: string;
  orgId: string;
  roles: string[];
  password: string;
};

export type UpdateAccountInput = { displayName?: string; roles?: string[]; status?: AccountStatus };

export type CreateCredentialInput = { orgId: string; name: string; roles: string[]; expiresAt?: string };

/** The create response holds the full token (`keyId.secret`) once; nothing shows it again. */
export type CreatedCredential = { token: string } & Partial<Credential> & { credential?: Credential };

export const orgApi = {
  listDivisions: async (signal?: AbortSignal): Promise<Division[]> =>
    itemsOf(await api.get<Division[] | { items: Division[] }>('/api/divisions', undefined, signal)),
  createDivision: (d: {
    code: string;
    name: string;
    kind: DivisionKind;
    parentCode: string | null;
  }): Promise<Division> => api.post<Division>('/api/divisions', d),
  renameDivision: (code: string, name: string): Promise<Division> =>
    api.patch<Division>(`/api/divisions/${encodeSegment(code)}`, { name }),

  listOrganisations: (q: OrganisationQuery, signal?: AbortSignal): Promise<Page<Organisation>> =>
    api.get<Page<Organisation>>('/api/organisations', q, signal),
  getOrganisation: (id: string): Promise<Organisation> =>
    api.get<Organisation>(`/api/organisations/${encodeSegment(id)}`),
  createOrganisation: (input: OrganisationInput): Promise<Organisation> =>
    api.post<Organisation>('/api/organisations', input),
  updateOrganisation: (id: string, input: Partial<OrganisationInput>): Promise<Organisation> =>
    api.patch<Organisation>(`/api/organisations/${encodeSegment(id)}`, input),

  listAccounts: (q: AccountQuery, signal?: AbortSignal): Promise<Page<StaffAccount>> =>
    api.get<Page<StaffAccount>>('/api/accounts', q, signal),
  createAccount: (input: CreateAccountInput): Promise<StaffAccount> =>
    api.post<StaffAccount>('/api/accounts', input),
  updateAccount: (id: string, input: UpdateAccountInput): Promise<StaffAccount> =>
    api.patch<StaffAccount>(`/api/accounts/${encodeSegment(id)}`, input),
  resetPassword: (id: string, password: string): Promise<unknown> =>
    api.post<unknown>(`/api/accounts/${encodeSegment(id)}/password`, { password }),
  unlockAccount: (id: string): Promise<unknown> =>
    api.post<unknown>(`/api/accounts/${encodeSegment(id)}/unlock`),

  listCredentials: async (orgId: string | undefined, signal?: AbortSignal): Promise<Credential[]> =>
    itemsOf(await api.get<Credential[] | { items: Credential[] }>('/api/credentials', { orgId }, signal)),
  createCredential: (input: CreateCredentialInput): Promise<CreatedCredential> =>
    api.post<CreatedCredential>('/api/credentials', input),
  revokeCredential: (id: string): Promise<unknown> =>
    api.post<unknown>(`/api/credentials/${encodeSegment(id)}/revoke`),
};
