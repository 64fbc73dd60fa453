import type { LocalizedText } from '../../api/client';

export type OrgKind = 'authority' | 'department' | 'enterprise' | 'evaluator';
export const ORG_KINDS: readonly OrgKind[] = ['authority', 'department', 'enterprise', 'evaluator'];

export type OrgLevel = 'city' | 'district';
export const ORG_LEVELS: readonly OrgLevel[] = ['city', 'district'];

export type DivisionKind = 'province' | 'city' | 'district' | 'county' | 'county_city';
export const DIVISION_KINDS: readonly DivisionKind[] = [
  'province',
  'city',
  'district',
  'county',
  'county_city',
];

export type AccountStatus = 'active' | 'disabled';
export type PublicType = 'natural' | 'legal';

export type KnownRole =
  | 'admin'
  | 'reviewer'
  | 'cataloguer'
  | 'provider'
  | 'approver'
  | 'user'
  | 'security_officer'
  | 'auditor'
  | 'evaluator';

export type Division = {
  code: string;
  name: string;
  kind: DivisionKind;
  parentCode: string | null;
};

export type Organisation = {
  id: string;
  name: string;
  shortName: string | null;
  kind: OrgKind;
  level: OrgLevel;
  creditCode: string | null;
  divisionCode: string;
  divisionName?: string | null;
  parentId: string | null;
  parentName?: string | null;
  delegated: boolean;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  active: boolean;
  createdAt?: string;
  updatedAt?: string;
};

export type OrganisationInput = {
  name: string;
  shortName?: string | null;
  kind: OrgKind;
  level: OrgLevel;
  creditCode?: string | null;
  divisionCode: string;
  parentId?: string | null;
  delegated: boolean;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  active?: boolean;
};

export type StaffAccount = {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName?: string | null;
  roles: string[];
  status: AccountStatus;
  locked?: boolean;
  lockedUntil?: string | null;
  /** The client addresses paused for this account (the account itself is never locked). */
  lockedAddresses?: string[];
  failedAttempts?: number;
  mustChangePassword?: boolean;
  lastSignInAt?: string | null;
  phone?: string | null;
  email?: string | null;
  createdAt?: string;
};

export type Role = {
  code: string;
  name: LocalizedText;
  description: LocalizedText;
  orgKinds: OrgKind[];
  /** May an API credential (a department's system) hold it? Unknown means yes. */
  forSystems: boolean;
};

export type Credential = {
  id: string;
  keyId: string;
  name: string;
  orgId: string;
  orgName?: string | null;
  roles: string[];
  createdAt: string;
  createdBy?: string | null;
  createdByName?: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

export type CredentialStatus = 'active' | 'expired' | 'revoked';

export function credentialStatus(c: Credential, now: Date = new Date()): CredentialStatus {
  if (c.revokedAt) return 'revoked';
  if (c.expiresAt && new Date(c.expiresAt) <= now) return 'expired';
  return 'active';
}

export function isLocked(a: StaffAccount, now: Date = new Date()): boolean {
  if (typeof a.locked === 'boolean') return a.locked;
  return Boolean(a.lockedUntil && new Date(a.lockedUntil) > now);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function localized(value: unknown, zh: unknown, en: unknown, fallback: string): LocalizedText {
  if (isRecord(value)) {
    const z = str(value['zh']);
    const e = str(value['en']);
    if (z !== undefined || e !== undefined) return { zh: z ?? e ?? fallback, en: e ?? z ?? fallback };
  }
  const z = str(zh) ?? str(value);
  const e = str(en) ?? str(value);
  return { zh: z ?? e ?? fallback, en: e ?? z ?? fallback };
}

function isOrgKind(value: unknown): value is OrgKind {
  return typeof value === 'string' && (ORG_KINDS as readonly string[]).includes(value);
}

/** Reads one role of `GET /api/roles`, whichever of the usual spellings the server uses. */
export function normaliseRole(raw: unknown): Role | null {
  if (!isRecord(raw)) return null;
  const code = str(raw['code']) ?? str(raw['role']) ?? str(raw['id']);
  if (!code) return null;
  const kinds = raw['orgKinds'];
  return {
    code,
    name: localized(raw['name'], raw['zh'] ?? raw['nameZh'], raw['en'] ?? raw['nameEn'], code),
    description: localized(raw['description'], raw['descriptionZh'], raw['descriptionEn'], ''),
    orgKinds: Array.isArray(kinds) ? kinds.filter(isOrgKind) : [],
    forSystems: raw['forSystems'] !== false,
  };
}
