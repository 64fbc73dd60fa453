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

export type LegalBasisKind =
  'law' | 'administrative_regulation' | 'local_regulation' | 'rule' | 'normative_document';
export type VersionState = 'draft' | 'submitted' | 'returned' | 'published' | 'superseded';

export interface LegalBasesTable {
  id: Generated<string>;
  title: string;
  kind: LegalBasisKind;
  article: string;
  quote: string;
  quote_is_summary: Generated<boolean>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CatalogEntriesTable {
  id: Generated<string>;
  code: string | null;
  org_id: string;
  published_version_id: string | null;
  working_version_id: string | null;
  first_published_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CatalogUpkeepSettingsTable {
  authority_id: string;
  interval_days: number;
  notice_days: number;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface CatalogUpkeepNoticesTable {
  entry_id: string;
  kind: 'due' | 'overdue' | 'outdated';
  subject: string;
  notified_at: DefaultTimestamp;
}

export interface ProvisionQualityNoticesTable {
  entry_id: string;
  kind: string;
  subject: string;
  notified_at: DefaultTimestamp;
}

export interface ProvisionSettingsTable {
  entry_id: string;
  key_fields: ColumnType<string[], string[] | undefined, string[]>;
  enumerations: ColumnType<Record<string, string[]>, string | undefined, string>;
  error_policy: ColumnType<'reject' | 'exclude', 'reject' | 'exclude' | undefined, 'reject' | 'exclude'>;
  declared_row_count: number | null;
  declared_checksum: string | null;
  declared_at: Timestamp | null;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
  /** Retention: versions kept besides the current one, and days kept; null = the city's default (migration 0016). */
  keep_versions: number | null;
  keep_days: number | null;
}

/** The city's default retention of data versions: one row (migration 0016). */
export interface ProvisionRetentionTable {
  id: number;
  keep_versions: number;
  keep_days: number;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

/** `open`: a push session between requests (migration 0010); `retired`: its table dropped by retention (0016). */
export type DataVersionState =
  'receiving' | 'open' | 'ready' | 'failed' | 'cancelled' | 'unchanged' | 'retired';
export type DataVersionSource = 'upload' | 'push' | 'connector' | 'restore' | 'demo';

export interface DataVersionsTable {
  id: Generated<string>;
  entry_id: string;
  version_no: number;
  kind: 'table' | 'files';
  state: DataVersionState;
  source: DataVersionSource;
  table_name: string | null;
  columns: ColumnType<unknown, string | undefined, string>;
  row_count: number | null;
  excluded_row_count: number | null;
  byte_count: number | null;
  format: string | null;
  encoding: string | null;
  file_name: string | null;
  sm3: string | null;
  report: ColumnType<unknown, string | null | undefined, string | null>;
  error: ColumnType<unknown, string | null | undefined, string | null>;
  idempotency_key: string | null;
  based_on: string | null;
  note: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  completed_at: Timestamp | null;
  /** A push session: when it expires unless a request comes (migration 0010). */
  expires_at: Timestamp | null;
  /** A push session's options (error policy, mapping); null for other versions. */
  push_options: ColumnType<unknown, string | null | undefined, string | null>;
  /** The digest of the normalised rows, once computed: `rows:sum0:sum1` (migration 0015). */
  content_digest: string | null;
  /** An `unchanged` run: the version whose rows it had (migration 0015). */
  same_as: string | null;
  /** When retention dropped the version's table (migration 0016). */
  retired_at: Timestamp | null;
}

export interface PushBatchesTable {
  version_id: string;
  sequence: number;
  sm3: string;
  byte_count: number;
  first_row: number;
  row_count: number;
  invalid_count: number;
  appended_count: number;
  problems: ColumnType<unknown, string | undefined, string>;
  problem_count: number;
  received_at: DefaultTimestamp;
}

export interface DataCurrentTable {
  entry_id: string;
  version_id: string;
  switched_by: string | null;
  switched_at: DefaultTimestamp;
  /** When the data was last provided or confirmed unchanged (migration 0015). */
  confirmed_at: DefaultTimestamp;
}

export interface DataFilesTable {
  version_id: string;
  position: number;
  file_name: string;
  media_type: string;
  byte_count: number;
  sm3: string;
  storage_key: string;
}

export type ConnectorKind = 'http' | 'postgres' | 'mysql';
export type ConnectorSchedule = 'cycle' | 'cron' | 'manual';
export type ConnectorRunState = 'running' | 'succeeded' | 'failed';
export type ConnectorRunTrigger = 'schedule' | 'retry' | 'manual';

export interface ConnectorAllowListTable {
  id: Generated<string>;
  host: string;
  port_from: number | null;
  port_to: number | null;
  note: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface ConnectorsTable {
  id: Generated<string>;
  entry_id: string;
  org_id: string;
  kind: ConnectorKind;
  settings: ColumnType<unknown, string, string>;
  /** SM4 ciphertext with its HMAC-SM3 tag (never the secret itself). */
  secret: string | null;
  secret_updated_at: Timestamp | null;
  schedule: ConnectorSchedule;
  cron: string | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  next_run_at: Timestamp | null;
  retry_attempt: ColumnType<number, number | undefined, number>;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  failing_since: Timestamp | null;
  last_run_at: Timestamp | null;
  last_state: ConnectorRunState | null;
  last_error: ColumnType<unknown, string | null | undefined, string | null>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface ConnectorRunsTable {
  id: Generated<string>;
  connector_id: string;
  entry_id: string;
  trigger: ConnectorRunTrigger;
  attempt: number;
  state: ConnectorRunState;
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  row_count: number | null;
  excluded_row_count: number | null;
  byte_count: number | null;
  version_id: string | null;
  error: ColumnType<unknown, string | null | undefined, string | null>;
  started_by: string | null;
}

export interface CatalogSearchStateTable {
  id: number;
  generation: number;
  /** The tokenisation that made `catalog_versions.search` (search-text.ts `TOKENIZER`); null: one before it was recorded. */
  tokenizer: string | null;
}

export interface CatalogCodeSequencesTable {
  prefix: string;
  last_seq: number;
}

export interface CatalogVersionsTable {
  id: Generated<string>;
  entry_id: string;
  version_no: number;
  state: VersionState;
  metadata: ColumnType<unknown, string, string>;
  name: string;
  classification: string;
  format: string;
  share_type: string;
  open_type: string;
  update_cycle: string;
  domains: ColumnType<string[], string[] | undefined, string[]>;
  search: ColumnType<string | null, unknown, unknown>;
  duplicate_justification: string | null;
  review_comment: string | null;
  field_comments: ColumnType<Record<string, string> | null, string | null, string | null>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  published_at: Timestamp | null;
}

export interface CatalogVersionItemsTable {
  version_id: string;
  position: number;
  name: string;
  label: string;
  concept: string;
}

export interface CatalogVersionBasesTable {
  version_id: string;
  legal_basis_id: string;
  applies_to: 'share' | 'open';
}

export interface NotificationsTable {
  id: Generated<string>;
  org_id: string;
  role: string | null;
  account_id: string | null;
  kind: string;
  title_zh: string;
  title_en: string;
  link: string | null;
  detail: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
}

export interface NotificationReadsTable {
  notification_id: string;
  account_id: string;
  read_at: DefaultTimestamp;
}

export interface SignInPairsTable {
  username: string;
  ip: string;
  failures: Generated<number>;
  window_started_at: DefaultTimestamp;
  locked_until: Timestamp | null;
  updated_at: DefaultTimestamp;
}

export interface SignInNamesTable {
  username: string;
  failures: Generated<number>;
  window_started_at: DefaultTimestamp;
  lock_notified_at: Timestamp | null;
  attack_notified_at: Timestamp | null;
  updated_at: DefaultTimestamp;
}

/** Resumable uploads (0009): who started each, for which entry, where its bytes are. */
export interface UploadSessionsTable {
  id: string;
  entry_id: string;
  org_id: string;
  owner: string;
  file_name: string;
  byte_count: number;
  format: string | null;
  encoding: string | null;
  file_path: string;
  state: ColumnType<'open' | 'ingesting', 'open' | 'ingesting' | undefined, 'open' | 'ingesting'>;
  created_at: DefaultTimestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface Database {
  divisions: DivisionsTable;
  organisations: OrganisationsTable;
  accounts: AccountsTable;
  account_roles: AccountRolesTable;
  sessions: SessionsTable;
  sign_in_pairs: SignInPairsTable;
  sign_in_names: SignInNamesTable;
  api_credentials: ApiCredentialsTable;
  audit_log: AuditLogTable;
  calendar_overrides: CalendarOverridesTable;
  calendar_years: CalendarYearsTable;
  legal_bases: LegalBasesTable;
  catalog_entries: CatalogEntriesTable;
  catalog_code_sequences: CatalogCodeSequencesTable;
  catalog_upkeep_settings: CatalogUpkeepSettingsTable;
  catalog_upkeep_notices: CatalogUpkeepNoticesTable;
  catalog_search_state: CatalogSearchStateTable;
  provision_settings: ProvisionSettingsTable;
  provision_retention: ProvisionRetentionTable;
  provision_quality_notices: ProvisionQualityNoticesTable;
  data_versions: DataVersionsTable;
  data_current: DataCurrentTable;
  push_batches: PushBatchesTable;
  data_files: DataFilesTable;
  connector_allow_list: ConnectorAllowListTable;
  connectors: ConnectorsTable;
  connector_runs: ConnectorRunsTable;
  upload_sessions: UploadSessionsTable;
  catalog_versions: CatalogVersionsTable;
  catalog_version_items: CatalogVersionItemsTable;
  catalog_version_bases: CatalogVersionBasesTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type Account = Selectable<AccountsTable>;
export type AuditRow = Selectable<AuditLogTable>;
