/**
 * The authorization policy: every rule of who may do what lives here. Routes name a route-level
 * rule (`config.policy`), enforced for every request by plugins/policy.ts, deny by default; services
 * ask `can(principal, action, resource)` before they touch a record, and `/api/auth/me` tells the
 * web the caller's capabilities (`capabilitiesOf`) so that the web never copies a rule.
 */
import type { OrgKind, OrgLevel } from '../db/database.types.ts';
import type { Principal } from './principal.ts';
import { ROLES, type Role } from './roles.ts';
import {
  CAPABILITIES,
  DATA_ACTIONS,
  ENTRY_ACTIONS,
  type Capability as ContractCapability,
  type DataAction,
  type EntryAction,
} from '@huitong/contract/values';

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
  | 'provider' // data provider (数据员) of a department or enterprise, person or system
  | 'provisionViewer' // a department's provider, approver or cataloguer, or an authority's keeper (versions, reports, settings, connectors)
  | 'dataReader' // a department's provider or approver, or an authority's reviewer (data rows; masked for reviewers)
  | 'dataExporter'; // a department's provider or approver, person or system (exports and file downloads)

function hasRole(p: Principal | null, role: Role): boolean {
  return p !== null && p.kind !== 'public' && p.roles.includes(role);
}

function departmentRole(p: Principal | null, roles: readonly Role[]): boolean {
  return (
    p !== null &&
    p.kind !== 'public' &&
    (p.org.kind === 'department' || p.org.kind === 'enterprise') &&
    roles.some((r) => p.roles.includes(r))
  );
}

function authorityRole(p: Principal | null, roles: readonly Role[]): boolean {
  return (
    p !== null && p.kind !== 'public' && p.org.kind === 'authority' && roles.some((r) => p.roles.includes(r))
  );
}

/** A department's roles that work with its provided data: providers supply it, approvers answer applications for it. */
const DATA_HOLDERS: readonly Role[] = ['provider', 'approver'];
/** A department's roles that see the state of its data (versions, reports, connectors), not the rows. */
const PROVISION_VIEWERS: readonly Role[] = ['provider', 'approver', 'cataloguer'];

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
  provider: (p) => departmentRole(p, ['provider']),
  provisionViewer: (p) => departmentRole(p, PROVISION_VIEWERS) || authorityRole(p, ['admin', 'reviewer']),
  dataReader: (p) => departmentRole(p, DATA_HOLDERS) || authorityRole(p, ['reviewer']),
  dataExporter: (p) => departmentRole(p, DATA_HOLDERS),
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

/**
 * Whose API credentials a caller may list: an authority's administrator those of the jurisdiction,
 * anyone else (a security officer) their own organisation's.
 */
export function credentialScope(p: Principal): Jurisdiction | null {
  if (p.kind === 'public') return null;
  if (ROUTE_POLICIES.admin(p)) return jurisdiction(p);
  return { scope: 'org', orgId: p.org.id };
}

/** The part of the audit trail an auditor may read. */
export function auditScope(p: Principal): Jurisdiction | null {
  if (!ROUTE_POLICIES.auditor(p)) return null;
  return jurisdiction(p);
}

/** The organisation that holds a record: enough to decide who supervises it. */
export type HolderRef = Pick<OrgRef, 'id' | 'level' | 'divisionCode'>;

/**
 * Does this principal's authority supervise the organisation? The city authority supervises every
 * organisation; a district authority the district-level organisations of its own division (never a
 * city-level body placed there).
 */
export function supervises(p: Principal | null, org: HolderRef): boolean {
  if (p === null || p.kind === 'public' || p.org.kind !== 'authority') return false;
  if (p.org.level === 'city') return true;
  return org.level === 'district' && org.divisionCode === p.org.divisionCode;
}

/** Data items of this sensitivity level (1 public … 4 most sensitive) and above are masked for masked readers. */
export const MASKED_FROM_SENSITIVITY = 3;

/**
 * How a caller may read a department's provided data (rows, comparisons of versions):
 * - `full`: the department's own providers and approvers, people or systems;
 * - `masked`: reviewers of the authority that supervises the department, for the quality watch;
 *   data items of sensitivity ≥ MASKED_FROM_SENSITIVITY are masked, and may not be filtered or
 *   sorted on (an equality filter would reveal the value);
 * - `null`: everyone else — the department's cataloguers, data users, security officers and
 *   auditors, other departments, administrators, auditors and security officers of authorities,
 *   evaluators and the public. Sharing and opening give access through their own rules (grants,
 *   open types), not through this one.
 */
export type DataAccess = 'full' | 'masked';

export function dataAccess(p: Principal | null, holder: HolderRef): DataAccess | null {
  if (p === null || p.kind === 'public') return null;
  if (p.org.id === holder.id) return departmentRole(p, DATA_HOLDERS) ? 'full' : null;
  if (authorityRole(p, ['reviewer']) && supervises(p, holder)) return 'masked';
  return null;
}

/**
 * Exports and file downloads take the data out of the platform whole: only the department's own
 * providers and approvers. (A file cannot be masked, and the quality watch needs no bulk copy.)
 */
export function canExportData(p: Principal | null, holder: HolderRef): boolean {
  return dataAccess(p, holder) === 'full';
}

/**
 * Who sees the state of a department's data without its rows — versions with their row counts,
 * SM3 and validation reports (problem values of sensitive items are masked when the report is
 * made), settings, connectors and their runs, the list of a files version: the department's
 * providers, approvers and cataloguers, and the administrators and reviewers of its supervising
 * authority.
 */
export function canViewProvision(p: Principal | null, holder: HolderRef): boolean {
  if (p === null || p.kind === 'public') return false;
  if (p.org.id === holder.id) return departmentRole(p, PROVISION_VIEWERS);
  return authorityRole(p, ['admin', 'reviewer']) && supervises(p, holder);
}

/**
 * May `parent` be the parent organisation of `child`? Parents stay within a level and a division:
 * a city-level organisation's parent is city-level; a district-level organisation's parent is an
 * organisation of the same division, except that a district authority's parent may be a city-level
 * authority (the city's, which supervises it).
 */
export function mayBeParentOf(parent: OrgRef, child: OrgRef): boolean {
  if (child.level === 'city') return parent.level === 'city';
  if (parent.level === 'district') return parent.divisionCode === child.divisionCode;
  return child.kind === 'authority' && parent.kind === 'authority';
}

/**
 * May the caller narrow a list to this organisation (a scope parameter such as `?orgId=`)? Only to
 * one inside the scope the list is read in; any other value is refused, never replaced by the
 * caller's own scope.
 */
export function scopeAdmits(scope: Jurisdiction, org: OrgRef): boolean {
  return withinJurisdiction(scope, org);
}

// ---------- the supervising authority ----------

/** An authority as `supervisorOf` needs it (active authorities only). */
export interface AuthorityRef {
  id: string;
  level: string;
  division_code: string;
}

/**
 * The one authority responsible for an organisation — it reviews the organisation's catalog, sets
 * its upkeep schedule, is brought the quality problems left too long and is told of attacks on its
 * accounts: a district-level organisation's own district authority, a city-level organisation's city
 * authority. The one fallback: when a district has no active authority, the city authority is
 * responsible (so nothing waits on an authority that does not exist). Undefined only when there is
 * no active authority at all.
 */
export function supervisorOf<A extends AuthorityRef>(
  org: { level: string; division_code: string },
  authorities: readonly A[],
): A | undefined {
  const city = authorities.find((a) => a.level === 'city');
  if (org.level !== 'district') return city;
  return authorities.find((a) => a.level === 'district' && a.division_code === org.division_code) ?? city;
}

// ---------- record rules: can(principal, action, resource) ----------

/** A catalog entry as the policy sees it. */
export interface EntryRef {
  /** The organisation that holds the entry. */
  holder: OrgRef;
  /** The authority responsible for the holder (`supervisorOf`), if any. */
  supervisorId: string | undefined;
  /** Has a version of it been published? */
  published: boolean;
}

/**
 * The kinds of record the policy answers for, what it needs to know of each, and the actions on it.
 * Sharing, opening and applications add their kinds here.
 */
export interface PolicyResources {
  /** An organisation: `manage` = change it, its accounts, its children. */
  organisation: { ref: OrgRef; action: 'manage' | 'deactivate' };
  /** An organisation's API credentials: `manage` = list, issue, revoke. */
  credential: { ref: OrgRef; action: 'manage' };
  /**
   * A catalog entry: `view` (its published metadata and history: every staff member once it is
   * published), `create` (a new entry for the holder), `edit` (drafts, submit, withdraw,
   * confirm, delete a draft), `viewDrafts` (never-published entries, working versions and their
   * history), `review` (approve or return a submitted version).
   */
  catalogEntry: { ref: EntryRef; action: 'view' | 'create' | 'edit' | 'viewDrafts' | 'review' };
  /**
   * A department's provided data (data versions, files, push sessions, settings): `provide`
   * (upload, push, connectors' changes, settings), `viewState` (versions, reports, connectors
   * without rows), `read` (rows; masked for the supervising reviewers, see `dataAccess`), `export`.
   */
  entryData: { ref: HolderRef; action: 'provide' | 'viewState' | 'read' | 'export' };
  /**
   * What authorities follow of a department: `quality` (its data-quality problems) and `upkeep`
   * (the re-confirmation state of its catalog). See `oversightScope`.
   */
  oversight: { ref: OrgRef; action: OversightAction };
}

export type OversightAction = 'quality' | 'upkeep';

/**
 * The organisations whose quality or catalog upkeep a caller follows: an authority's reviewers and
 * administrators their jurisdiction; a department's providers and cataloguers (quality) or
 * cataloguers (upkeep) their own organisation; anyone else none (null).
 */
export function oversightScope(p: Principal | null, action: OversightAction): Jurisdiction | null {
  if (p === null || p.kind === 'public') return null;
  if (ROUTE_POLICIES.keeper(p)) return jurisdiction(p);
  const roles: readonly Role[] = action === 'quality' ? ['provider', 'cataloguer'] : ['cataloguer'];
  return departmentRole(p, roles) ? { scope: 'org', orgId: p.org.id } : null;
}

export type ResourceKind = keyof PolicyResources;
export type ActionOn<K extends ResourceKind> = PolicyResources[K]['action'];

function ownDepartment(p: Principal, org: Pick<OrgRef, 'id'>, roles: readonly Role[]): boolean {
  return p.kind !== 'public' && p.org.id === org.id && departmentRole(p, roles);
}

/** The entry's own organisation and the authority responsible for it see its drafts and history. */
function insiderOf(p: Principal, e: EntryRef): boolean {
  if (p.kind === 'public') return false;
  return p.org.id === e.holder.id || (p.org.kind === 'authority' && p.org.id === e.supervisorId);
}

const RULES: {
  [K in ResourceKind]: (p: Principal, action: ActionOn<K>, ref: PolicyResources[K]['ref']) => boolean;
} = {
  organisation: (p, action, org) =>
    canManageOrg(p, org) && (action !== 'deactivate' || p.kind === 'public' || p.org.id !== org.id),
  credential: (p, _action, org) => canManageCredentials(p, org),
  catalogEntry: (p, action, e): boolean => {
    switch (action) {
      case 'view':
        return e.published || insiderOf(p, e);
      case 'create':
      case 'edit':
        return ownDepartment(p, e.holder, ['cataloguer']);
      case 'viewDrafts':
        return insiderOf(p, e);
      case 'review':
        // Never for one's own organisation, even when it is an authority.
        return (
          authorityRole(p, ['reviewer']) && insiderOf(p, e) && p.kind !== 'public' && p.org.id !== e.holder.id
        );
    }
  },
  entryData: (p, action, holder): boolean => {
    switch (action) {
      case 'provide':
        return ownDepartment(p, holder, ['provider']);
      case 'viewState':
        return canViewProvision(p, holder);
      case 'read':
        return dataAccess(p, holder) !== null;
      case 'export':
        return canExportData(p, holder);
    }
  },
  oversight: (p, action, org) => withinJurisdiction(oversightScope(p, action), org),
};

/**
 * May this caller do this to this record? Deny by default: anonymous callers and public accounts
 * may do nothing here (the open portal's rules are the opening module's route policies).
 */
export function can<K extends ResourceKind>(
  p: Principal | null,
  action: ActionOn<K>,
  resource: { kind: K; ref: PolicyResources[K]['ref'] },
): boolean {
  if (p === null || p.kind === 'public') return false;
  return RULES[resource.kind](p, action, resource.ref);
}

/**
 * The caller's capabilities for the web: the route-level rules it passes (the web shows a menu item
 * or a button by them), and three that are not route rules: `departmentStaff` (staff of a department
 * or enterprise: its own catalog), `ownData` (a department's providers, approvers and cataloguers:
 * the list of its own resource data) and `qualityViewer` (the quality watch: an authority's keepers,
 * a department's providers and cataloguers). The web never copies a rule; record-level answers come
 * with the records (an entry's or a data page's `actions`).
 */
const EXTRA_CAPABILITIES = {
  departmentStaff: (p: Principal | null) => departmentRole(p, ROLES),
  ownData: (p: Principal | null) => departmentRole(p, PROVISION_VIEWERS),
  qualityViewer: (p: Principal | null) => oversightScope(p, 'quality') !== null,
} as const;

/** The contract's list of capabilities names exactly the route rules and the extras (checked here and in policy.test.ts). */
export type Capability = RoutePolicy | keyof typeof EXTRA_CAPABILITIES;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const capabilitiesMatchContract: Same<Capability, ContractCapability> = true;
void capabilitiesMatchContract;

export function capabilitiesOf(p: Principal | null): Capability[] {
  return CAPABILITIES.filter((c) =>
    c in EXTRA_CAPABILITIES
      ? EXTRA_CAPABILITIES[c as keyof typeof EXTRA_CAPABILITIES](p)
      : ROUTE_POLICIES[c as RoutePolicy](p),
  );
}

export { CAPABILITIES, DATA_ACTIONS, ENTRY_ACTIONS };
export type { DataAction, EntryAction };
