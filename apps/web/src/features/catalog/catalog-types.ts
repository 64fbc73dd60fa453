/**
 * The catalog's vocabulary and the shapes of the catalog API (apps/server/src/modules/catalog/
 * catalog.model.ts and catalog.schemas.ts). Codes are English on the wire; labels come from i18n.
 */

export const CLASSIFICATIONS = ['base', 'topic', 'department'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const BASE_KINDS = [
  'population',
  'legal_entity',
  'natural_resources_geo',
  'social_credit',
  'e_licence',
] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

export const FORMATS = [
  'file',
  'spreadsheet',
  'database',
  'image',
  'stream',
  'self_describing',
  'service',
] as const;
export type ResourceFormat = (typeof FORMATS)[number];

export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export type ShareType = (typeof SHARE_TYPES)[number];

export const SHARE_METHODS = ['platform_database', 'platform_file', 'platform_api', 'other'] as const;
export type ShareMethod = (typeof SHARE_METHODS)[number];

export const OPEN_TYPES = ['open', 'on_application', 'closed'] as const;
export type OpenType = (typeof OPEN_TYPES)[number];

export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

/** Domains whose data opens first (Art. 28). Other domains are free text. */
export const PRIORITY_DOMAINS = [
  '信用',
  '交通',
  '医疗',
  '就业',
  '社保',
  '教育',
  '环境',
  '气象',
  '企业登记监管',
] as const;

export const isPriorityDomain = (domain: string): boolean =>
  (PRIORITY_DOMAINS as readonly string[]).includes(domain);

/**
 * 类 of the classification and the names of the base resources as catalog data: they are written
 * into the metadata in Chinese whatever the language of the screen.
 */
export const CLASSIFICATION_CATEGORY: Record<Classification, string> = {
  base: '基础',
  topic: '主题',
  department: '部门',
};
export const BASE_KIND_NAMES: Record<BaseKind, string> = {
  population: '人口',
  legal_entity: '法人单位',
  natural_resources_geo: '自然资源和空间地理',
  social_credit: '社会信用',
  e_licence: '电子证照',
};

/** Topic (主题) resources named in Art. 19, offered as 项 of a topic resource. */
export const TOPICS = [
  '健康保障',
  '社会保障',
  '食品药品安全',
  '应急管理',
  '价格监管',
  '信用体系',
  '城乡建设',
  '社区治理',
  '生态环保',
  '社会维稳',
  '营商环境',
] as const;

export const DATA_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'id_number',
  'credit_code',
  'phone',
  'geometry',
  'binary',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const SENSITIVITIES = [1, 2, 3, 4] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const VERSION_STATES = ['draft', 'submitted', 'returned', 'published', 'superseded'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

export const LEGAL_BASIS_KINDS = [
  'law',
  'administrative_regulation',
  'local_regulation',
  'rule',
  'normative_document',
] as const;
export type LegalBasisKind = (typeof LEGAL_BASIS_KINDS)[number];

/** 信息项: one field of a resource. */
export type DataItem = {
  name: string;
  label: string;
  dataType: DataType;
  length: number | null;
  required: boolean;
  sensitivity: Sensitivity;
  description: string | null;
};

export type Category = { l1: string; l2: string | null; l3: string | null; l4: string | null };

/** The metadata of one version of a catalog entry. */
export type EntryMetadata = {
  name: string;
  abstract: string;
  classification: Classification;
  baseKind: BaseKind | null;
  category: Category;
  format: ResourceFormat;
  dataItems: DataItem[];
  shareType: ShareType;
  shareCondition: string | null;
  shareMethod: ShareMethod;
  openType: OpenType;
  openCondition: string | null;
  updateCycle: UpdateCycle;
  relatedCodes: string[];
  domains: string[];
  keywords: string[];
  spatialExtent: string | null;
  licence: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  shareBasisIds: string[];
  openBasisIds: string[];
};

export type MetadataField = keyof EntryMetadata;

export type LegalBasis = {
  id: string;
  title: string;
  kind: LegalBasisKind;
  article: string;
  quote: string;
  quoteIsSummary: boolean;
  active: boolean;
};

export type LegalBasisInput = {
  title: string;
  kind: LegalBasisKind;
  article: string;
  quote: string;
  quoteIsSummary?: boolean;
};

export type Version = {
  id: string;
  versionNo: number;
  state: VersionState;
  metadata: EntryMetadata;
  shareBases: LegalBasis[];
  openBases: LegalBasis[];
  duplicateJustification: string | null;
  reviewComment: string | null;
  fieldComments: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  submittedBy: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  publishedAt: string | null;
};

export type Entry = {
  id: string;
  code: string | null;
  orgId: string;
  orgName: string;
  published: Version | null;
  working: Version | null;
  firstPublishedAt: string | null;
  confirmedAt: string | null;
};

/** A published resource of another department that already holds a data item (Art. 14). */
export type Duplicate = {
  concept: string;
  label: string;
  entryId: string;
  code: string | null;
  name: string;
  orgId: string;
  orgName: string;
};

/** `duplicates` of the `duplicate_justification_required` problem. */
export type SubmitDuplicate = { label: string; name: string; orgName: string };

export type FieldChange = { field: string; before: unknown; after: unknown };

export type VersionDiff = {
  from: number;
  to: number;
  fields: FieldChange[];
  items: {
    added: DataItem[];
    removed: DataItem[];
    changed: { name: string; changes: FieldChange[] }[];
  };
};

export type ReviewQueueItem = {
  entryId: string;
  code: string | null;
  versionNo: number;
  name: string;
  orgId: string;
  orgName: string;
  submittedAt: string | null;
  submittedBy: string | null;
  duplicateJustification: string | null;
};

export type ReviewInput = {
  decision: 'approve' | 'return';
  comment?: string | null;
  fieldComments?: Record<string, string>;
};

export const FACET_NAMES = [
  'org',
  'division',
  'classification',
  'domain',
  'shareType',
  'openType',
  'format',
  'updateCycle',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export type FacetValue = { value: string; label: string; count: number };

export type SearchItem = {
  id: string;
  code: string | null;
  name: string;
  abstract: string;
  orgId: string;
  orgName: string;
  divisionCode: string;
  classification: Classification;
  format: ResourceFormat;
  shareType: ShareType;
  openType: OpenType;
  updateCycle: UpdateCycle;
  domains: string[];
  keywords: string[];
  versionNo: number;
  publishedAt: string | null;
};

export type SearchResult = {
  items: SearchItem[];
  total: number;
  page: number;
  pageSize: number;
  facets: Record<FacetName, FacetValue[]>;
};

/** The search filters, as they appear in the URL query. */
export type SearchFilters = {
  q?: string;
  orgId?: string;
  divisionCode?: string;
  classification?: string;
  domain?: string;
  shareType?: string;
  openType?: string;
  format?: string;
  updateCycle?: string;
};

export type Restriction = {
  id: string;
  code: string | null;
  name: string;
  orgName: string;
  openType: 'on_application' | 'closed';
  openCondition: string | null;
  bases: LegalBasis[];
};

export type OwnEntry = {
  id: string;
  code: string | null;
  name: string;
  publishedVersionNo: number | null;
  workingVersionNo: number | null;
  workingState: VersionState | null;
  confirmedAt: string | null;
  updatedAt: string;
};

// ---------- upkeep (Art. 12): re-confirmation on the authority's schedule ----------

/** current: confirmed within the schedule; due: within the notice period; overdue; outdated: cites a repealed basis. */
export const UPKEEP_STATUSES = ['current', 'due', 'overdue', 'outdated'] as const;
export type UpkeepStatus = (typeof UPKEEP_STATUSES)[number];

/** The entry filter of the upkeep page: `attention` is every entry that is not current. */
export type UpkeepFilter = 'attention' | 'all' | UpkeepStatus;

export type UpkeepSchedule = {
  intervalDays: number;
  noticeDays: number;
  /** Whose schedule applies: one's own (or the supervising district authority's), the city's, or the default. */
  source: 'own' | 'city' | 'default';
  editable: boolean;
};

export type UpkeepSummary = {
  organisations: number;
  withoutCatalog: number;
  published: number;
  current: number;
  due: number;
  overdue: number;
  outdated: number;
};

export type UpkeepOrganisation = {
  orgId: string;
  orgName: string;
  kind: string;
  level: string;
  divisionCode: string;
  published: number;
  /** Entries with a draft or a version under review. */
  inProgress: number;
  current: number;
  due: number;
  overdue: number;
  outdated: number;
  lastConfirmedAt: string | null;
  /** No published entry at all. */
  noCatalog: boolean;
};

export type UpkeepEntry = {
  entryId: string;
  code: string | null;
  name: string;
  orgId: string;
  orgName: string;
  status: UpkeepStatus;
  confirmedAt: string | null;
  dueAt: string;
  /** A new version is being drafted or reviewed. */
  pendingVersion: boolean;
  repealedBases: { id: string; title: string; article: string }[];
};

export type UpkeepOverview = {
  schedule: UpkeepSchedule;
  summary: UpkeepSummary;
  organisations: UpkeepOrganisation[];
  entries: UpkeepEntry[];
};

export type UpkeepScanResult = { due: number; overdue: number; outdated: number; newFlags: number };
