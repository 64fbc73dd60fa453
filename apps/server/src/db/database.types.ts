import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type DivisionKind = 'province' | 'city' | 'district' | 'county' | 'county_city';
export type OrgKind = 'authority' | 'department' | 'enterprise' | 'evaluator';
export type OrgLevel = 'city' | 'district';
export type AccountKind = 'staff' | 'public';
export type PublicType = 'natural' | 'legal';
export type AccountStatus = 'active' | 'disabled';
export type AuditResult = 'success' | 'failure' | 'denied';
export type ActorKind = 'staff' | 'public' | 'credential' | 'anonymous' | 'system';

export interface DivisionsTable {
  code: string;
  name: string;
  kind: DivisionKind;
  parent_code: string | null;
  created_at: DefaultTimestamp;
}

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  short_name: string | null;
  kind: OrgKind;
  level: OrgLevel;
  credit_code: string | null;
  division_code: string;
  parent_id: string | null;
  delegated: Generated<boolean>;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AccountsTable {
  id: Generated<string>;
  kind: AccountKind;
  username: string;
  display_name: string;
  org_id: string | null;
  public_type: PublicType | null;
  credit_code: string | null;
  phone: string | null;
  email: string | null;
  password_hash: string;
  status: Generated<AccountStatus>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  must_change_password: Generated<boolean>;
  password_changed_at: DefaultTimestamp;
  last_sign_in_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AccountRolesTable {
  account_id: string;
  role: string;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface ApiCredentialsTable {
  id: Generated<string>;
  key_id: string;
  secret_hash: string;
  name: string;
  org_id: string;
  roles: string[];
  created_by: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  last_used_at: Timestamp | null;
}

export interface AuditLogTable {
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  actor_kind: ActorKind;
  org_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  result: AuditResult;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface CalendarOverridesTable {
  date: string;
  is_workday: boolean;
  name: string;
  note: string | null;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface CalendarYearsTable {
  year: number;
  note: string | null;
  declared_by: string | null;
  declared_at: DefaultTimestamp;
}

export interface Database {
  divisions: DivisionsTable;
  organisations: OrganisationsTable;
  accounts: AccountsTable;
  account_roles: AccountRolesTable;
  sessions: SessionsTable;
  api_credentials: ApiCredentialsTable;
  audit_log: AuditLogTable;
  calendar_overrides: CalendarOverridesTable;
  calendar_years: CalendarYearsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type Account = Selectable<AccountsTable>;
export type AuditRow = Selectable<AuditLogTable>;
