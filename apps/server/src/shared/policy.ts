/**
 * The authorization policy: every rule of who may do what lives here. Routes name a route-level
 * rule (`config.policy`), enforced for every request by plugins/policy.ts, deny by default; services
 * call the resource-level rules below before they touch a record.
 */
import type { OrgKind, OrgLevel } from '../db/database.types.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export type RoutePolicy =
  | 'public' // anyone, signed in or not
  | 'signedIn' // any person or system
  | 'person' // a person with a session (staff or public), not a system
  | 'staff' // staff of an organisation, person or system
  | 'admin' // platform administrator of an authority
  | 'cityAdmin' // platform administrator of the city authority
  | 'credentialManager' // administrator, or an organisation's security officer
  | 'auditor' // auditor (read-only audit trail)
  | 'staffPerson' // a staff member signed in as a person (inbox)
  | 'cataloguer' // cataloguer of a department or enterprise, person or system
  | 'reviewer' // reviewer of an authority, person or system
  | 'cityKeeper' // administrator or reviewer of the city authority (legal-basis library, upkeep check)
  | 'keeper' // administrator or reviewer of any authority (upkeep schedule)
  | 'upkeepViewer' // a keeper, or a cataloguer of a department or enterprise (catalog upkeep)
  | 'provider'; // data provider (数据员) of a department or enterprise, person or system

function hasRole(p: Principal | null, role: Role): boolean {
  return p !== null && p.kind !== 'public' && p.roles.includes(role);
}

export function isCityAuthority(p: Principal | null): boolean {
  return p !== null && p.kind !== 'public' && p.org.kind === 'authority' && p.org.level === 'city';
}

export const ROUTE_POLICIES: Record<RoutePolicy, (p: Principal | null) => boolean> = {
  public: () => true,
  signedIn: (p) => p !== null,
  person: (p) => p !== null && p.kind !== 'credential',
  staff: (p) => p !== null && p.kind !== 'public',
  admin: (p) => hasRole(p, 'admin') && p?.kind === 'staff' && p.org.kind === 'authority',
  cityAdmin: (p) => hasRole(p, 'admin') && p?.kind === 'staff' && isCityAuthority(p),
  credentialManager: (p) =>
    p?.kind === 'staff' &&
    ((hasRole(p, 'admin') && p.org.kind === 'authority') || hasRole(p, 'security_officer')),
  auditor: (p) => p?.kind === 'staff' && hasRole(p, 'auditor'),
  staffPerson: (p) => p?.kind === 'staff',
  cataloguer: (p) =>
    p !== null &&
    p.kind !== 'public' &&
    p.roles.includes('cataloguer') &&
    (p.org.kind === 'department' || p.org.kind === 'enterprise'),
  reviewer: (p) =>
    p !== null && p.kind !== 'public' && p.roles.includes('reviewer') && p.org.kind === 'authority',
  cityKeeper: (p) => isCityAuthority(p) && (hasRole(p, 'admin') || hasRole(p, 'reviewer')),
  keeper: (p) =>
    p !== null &&
    p.kind !== 'public' &&
    p.org.kind === 'authority' &&
    (hasRole(p, 'admin') || hasRole(p, 'reviewer')),
  upkeepViewer: (p) => ROUTE_POLICIES.keeper(p) || ROUTE_POLICIES.cataloguer(p),
  provider: (p) =>
    p !== null &&
    p.kind !== 'public' &&
    p.roles.includes('provider') &&
    (p.org.kind === 'department' || p.org.kind === 'enterprise'),
};

export interface OrgRef {
  id: string;
  kind: OrgKind;
  level: OrgLevel;
  divisionCode: string;
}

/**
 * Which organisations a staff member's authority has jurisdiction over: the city authority over
 * all of them, a district authority over those of its own division, anyone else only over their own.
 */
export type Jurisdiction =
  { scope: 'all' } | { scope: 'division'; divisionCode: string } | { scope: 'org'; orgId: string };

export function jurisdiction(p: Principal): Jurisdiction | null {
  if (p.kind === 'public') return null;
  if (p.org.kind === 'authority') {
    return p.org.level === 'city'
      ? { scope: 'all' }
      : { scope: 'division', divisionCode: p.org.divisionCode };
  }
  return { scope: 'org', orgId: p.org.id };
}

export function withinJurisdiction(j: Jurisdiction | null, org: OrgRef): boolean {
  if (j === null) return false;
  switch (j.scope) {
    case 'all':
      return true;
    case 'division':
      return org.divisionCode === j.divisionCode;
    case 'org':
      return org.id === j.orgId;
  }
}

/** May this administrator create or change the organisation (and its accounts)? */
export function canManageOrg(p: Principal, org: OrgRef): boolean {
  if (!ROUTE_POLICIES.admin(p)) return false;
  const j = jurisdiction(p);
  // A district authority manages its district's organisations but not a city-level body placed there.
  if (j?.scope === 'division' && org.level === 'city') return false;
  return withinJurisdiction(j, org);
}

/** May this person issue or revoke API credentials of the organisation? */
export function canManageCredentials(p: Principal, org: OrgRef): boolean {
  if (canManageOrg(p, org)) return true;
  return p.kind === 'staff' && p.roles.includes('security_officer') && p.org.id === org.id;
}

/** The part of the audit trail an auditor may read. */
export function auditScope(p: Principal): Jurisdiction | null {
  if (!ROUTE_POLICIES.auditor(p)) return null;
  return jurisdiction(p);
}
