import type { QueryOf } from '@huitong/contract/routes';
import type {
  CreateAccountBody,
  CreateCredentialBody,
  CreateDivisionBody,
  CreateOrgBody,
  UpdateAccountBody,
  UpdateOrgBody,
} from '@huitong/contract/org';
import { call } from '../../api/client';

export type OrganisationQuery = QueryOf<'GET /api/organisations'>;
export type AccountQuery = QueryOf<'GET /api/accounts'>;

export const orgApi = {
  listDivisions: async (signal?: AbortSignal) => (await call('GET /api/divisions', { signal })).items,
  createDivision: (d: CreateDivisionBody) => call('POST /api/divisions', { body: d }),
  renameDivision: (code: string, name: string) =>
    call('PATCH /api/divisions/:code', { params: { code }, body: { name } }),

  listOrganisations: (q: OrganisationQuery, signal?: AbortSignal) =>
    call('GET /api/organisations', { query: q, signal }),
  getOrganisation: (id: string) => call('GET /api/organisations/:id', { params: { id } }),
  createOrganisation: (input: CreateOrgBody) => call('POST /api/organisations', { body: input }),
  updateOrganisation: (id: string, input: UpdateOrgBody) =>
    call('PATCH /api/organisations/:id', { params: { id }, body: input }),

  listAccounts: (q: AccountQuery, signal?: AbortSignal) => call('GET /api/accounts', { query: q, signal }),
  createAccount: (input: CreateAccountBody) => call('POST /api/accounts', { body: input }),
  updateAccount: (id: string, input: UpdateAccountBody) =>
    call('PATCH /api/accounts/:id', { params: { id }, body: input }),
  resetPassword: (id: string, password: string) =>
    call('POST /api/accounts/:id/password', { params: { id }, body: { password } }),
  unlockAccount: (id: string) => call('POST /api/accounts/:id/unlock', { params: { id } }),

  listCredentials: async (orgId: string | undefined, signal?: AbortSignal) =>
    (await call('GET /api/credentials', { query: { orgId }, signal })).items,
  /** The answer holds the full token (`keyId.secret`) once; nothing shows it again. */
  createCredential: (input: CreateCredentialBody) => call('POST /api/credentials', { body: input }),
  revokeCredential: (id: string) => call('POST /api/credentials/:id/revoke', { params: { id } }),

  /** The roles, their duties and who may hold them (static between releases). */
  listRoles: async () => (await call('GET /api/roles')).items,
};
