/** The API's view of organisations, accounts, credentials and the signed-in caller (contract types). */
import type { Account, Credential, Division, Me, Organisation } from '@huitong/contract/org';
import type { DivisionKind, Role } from '@huitong/contract/values';
import { capabilitiesOf } from '../../shared/policy.ts';
import type { Principal } from '../../shared/principal.ts';
import type { AccountRow, CredentialRow, OrgRow } from './org.repository.ts';

export function divisionDto(d: {
  code: string;
  name: string;
  kind: DivisionKind;
  parent_code: string | null;
}): Division {
  return { code: d.code, name: d.name, kind: d.kind, parentCode: d.parent_code };
}

export function orgDto(o: OrgRow): Organisation {
  return {
    id: o.id,
    name: o.name,
    shortName: o.short_name,
    kind: o.kind,
    level: o.level,
    creditCode: o.credit_code,
    divisionCode: o.division_code,
    divisionName: o.division_name,
    parentId: o.parent_id,
    parentName: o.parent_name,
    delegated: o.delegated,
    contactName: o.contact_name,
    contactPhone: o.contact_phone,
    contactEmail: o.contact_email,
    active: o.active,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export function accountDto(a: AccountRow): Account {
  const locked = a.locked_until !== null && a.locked_until > new Date();
  return {
    id: a.id,
    username: a.username,
    displayName: a.display_name,
    orgId: a.org_id ?? '',
    orgName: a.org_name,
    roles: a.roles as Role[],
    status: a.status,
    locked,
    lockedUntil: locked && a.locked_until ? a.locked_until.toISOString() : null,
    lockedAddresses: locked ? a.locked_addresses : [],
    mustChangePassword: a.must_change_password,
    lastSignInAt: a.last_sign_in_at?.toISOString() ?? null,
    phone: a.phone,
    email: a.email,
    createdAt: a.created_at.toISOString(),
  };
}

export function credentialDto(c: CredentialRow): Credential {
  return {
    id: c.id,
    keyId: c.key_id,
    name: c.name,
    orgId: c.org_id,
    orgName: c.org_name,
    roles: c.roles as Role[],
    createdBy: c.created_by_name,
    createdAt: c.created_at.toISOString(),
    expiresAt: c.expires_at?.toISOString() ?? null,
    revokedAt: c.revoked_at?.toISOString() ?? null,
    lastUsedAt: c.last_used_at?.toISOString() ?? null,
  };
}

export function meDto(p: Principal): Me {
  switch (p.kind) {
    case 'staff':
      return {
        account: {
          id: p.accountId,
          username: p.username,
          displayName: p.displayName,
          kind: 'staff',
          publicType: null,
          mustChangePassword: p.mustChangePassword,
          org: p.org,
          roles: p.roles,
          capabilities: capabilitiesOf(p),
        },
        csrfToken: p.csrfToken,
      };
    case 'public':
      return {
        account: {
          id: p.accountId,
          username: p.username,
          displayName: p.displayName,
          kind: 'public',
          publicType: p.publicType,
          mustChangePassword: p.mustChangePassword,
          org: null,
          roles: [],
          capabilities: capabilitiesOf(p),
        },
        csrfToken: p.csrfToken,
      };
    case 'credential':
      return {
        account: {
          id: p.credentialId,
          username: p.keyId,
          displayName: p.displayName,
          kind: 'credential',
          publicType: null,
          mustChangePassword: false,
          org: p.org,
          roles: p.roles,
          capabilities: capabilitiesOf(p),
        },
        csrfToken: null,
      };
  }
}
