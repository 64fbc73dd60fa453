/**
 * The catalog: entries, versions and their metadata, legal bases, review, search, upkeep (Art. 12),
 * the Excel template, the open catalog and the inbox.
 */
import { Type, type Static } from 'typebox';
import { DateTime, LocalisedMessage, Nullable, PageQuery, Prose, StringEnum, Uuid } from './common.ts';
import {
  ENTRY_ACTIONS,
  BASE_KINDS,
  CLASSIFICATIONS,
  DATA_TYPES,
  FORMATS,
  LEGAL_BASIS_KINDS,
  OPEN_TYPES,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
  UPKEEP_STATUSES,
  VERSION_STATES,
} from './values.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OptText = (max: number) => Nullable(Type.String({ maxLength: max }));

// ---------- metadata ----------

/** 信息项: one field of a resource. */
export const DataItem = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[a-z][a-z0-9_]*$',
      description: 'snake_case field name',
    }),
    label: Text(100),
    dataType: StringEnum(DATA_TYPES),
    length: Nullable(Type.Integer({ minimum: 1, maximum: 100000 })),
    required: Type.Boolean(),
    sensitivity: Type.Unsafe<1 | 2 | 3 | 4>({
      type: 'integer',
      enum: [1, 2, 3, 4],
      description: '1 public … 4 most sensitive',
    }),
    description: Nullable(Prose({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type DataItem = Static<typeof DataItem>;

export const Category = Type.Object(
  { l1: Text(50), l2: OptText(50), l3: OptText(50), l4: OptText(50) },
  { additionalProperties: false, description: '类 / 项 / 目 / 细目' },
);
/** 类 / 项 / 目 / 细目 of the classification, as text (e.g. 主题 / 社会保障 / 养老保险 / null). */
export type Category = Static<typeof Category>;

/** The metadata of one version of a catalog entry (the body of a draft, too). */
export const EntryMetadata = Type.Object(
  {
    name: Text(200),
    abstract: Prose({ minLength: 1, maxLength: 4000 }),
    classification: StringEnum(CLASSIFICATIONS, { description: 'base 基础 · topic 主题 · department 部门' }),
    baseKind: Nullable(StringEnum(BASE_KINDS)),
    category: Category,
    format: StringEnum(FORMATS),
    dataItems: Type.Array(DataItem, { maxItems: 500 }),
    shareType: StringEnum(SHARE_TYPES),
    shareCondition: Nullable(Prose({ maxLength: 1000 })),
    shareMethod: StringEnum(SHARE_METHODS),
    openType: StringEnum(OPEN_TYPES),
    openCondition: Nullable(Prose({ maxLength: 1000 })),
    updateCycle: StringEnum(UPDATE_CYCLES),
    relatedCodes: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50 }),
    domains: Type.Array(Text(30), { maxItems: 20 }),
    keywords: Type.Array(Text(30), { maxItems: 30 }),
    spatialExtent: OptText(100),
    licence: OptText(200),
    contactName: OptText(50),
    contactPhone: OptText(30),
    contactEmail: Nullable(Type.String({ maxLength: 100, format: 'email' })),
    shareBasisIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
    openBasisIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type EntryMetadata = Static<typeof EntryMetadata>;

// ---------- legal bases ----------

export const LegalBasisKindSchema = StringEnum(LEGAL_BASIS_KINDS, {
  description: '法律 · 行政法规 · 地方性法规 · 规章 · 规范性文件',
});

export const LegalBasis = Type.Object({
  id: Uuid,
  title: Type.String(),
  kind: LegalBasisKindSchema,
  article: Type.String(),
  quote: Type.String(),
  quoteIsSummary: Type.Boolean(),
  active: Type.Boolean(),
});
export type LegalBasis = Static<typeof LegalBasis>;
export const LegalBasisList = Type.Object({ items: Type.Array(LegalBasis) });
export const LegalBasesQuery = Type.Object(
  { all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const CreateLegalBasisBody = Type.Object(
  {
    title: Text(200),
    kind: LegalBasisKindSchema,
    article: Text(100),
    quote: Prose({ minLength: 1, maxLength: 4000 }),
    quoteIsSummary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateLegalBasisBody = Static<typeof CreateLegalBasisBody>;
export const UpdateLegalBasisBody = Type.Object(
  {
    title: Type.Optional(Text(200)),
    kind: Type.Optional(LegalBasisKindSchema),
    article: Type.Optional(Text(100)),
    quote: Type.Optional(Prose({ minLength: 1, maxLength: 4000 })),
    quoteIsSummary: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLegalBasisBody = Static<typeof UpdateLegalBasisBody>;

// ---------- entries and versions ----------

export const VersionStateSchema = StringEnum(VERSION_STATES);

export const Version = Type.Object({
  id: Uuid,
  versionNo: Type.Integer(),
  state: VersionStateSchema,
  metadata: EntryMetadata,
  shareBases: Type.Array(LegalBasis),
  openBases: Type.Array(LegalBasis),
  duplicateJustification: Nullable(Type.String()),
  reviewComment: Nullable(Type.String()),
  fieldComments: Nullable(Type.Record(Type.String(), Type.String())),
  createdAt: DateTime,
  updatedAt: DateTime,
  submittedAt: Nullable(DateTime),
  submittedBy: Nullable(Type.String()),
  reviewedAt: Nullable(DateTime),
  reviewedBy: Nullable(Type.String()),
  publishedAt: Nullable(DateTime),
});
/** One version of a catalog entry. */
export type Version = Static<typeof Version>;

export const Entry = Type.Object({
  id: Uuid,
  code: Nullable(Type.String({ description: 'Resource code 前段码/后段码, assigned at first publication' })),
  orgId: Uuid,
  orgName: Type.String(),
  published: Nullable(Version),
  working: Nullable(Version),
  firstPublishedAt: Nullable(DateTime),
  confirmedAt: Nullable(DateTime),
  actions: Type.Array(StringEnum(ENTRY_ACTIONS), {
    description:
      'What the caller may do to this entry (the policy module decides): edit (drafts, submit, withdraw, revise, confirm), review (approve or return a submitted version)',
  }),
});
/** A catalog entry: its published version and, for insiders, the version in progress. */
export type Entry = Static<typeof Entry>;

export const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const Duplicate = Type.Object({
  concept: Type.String(),
  label: Type.String(),
  entryId: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
});
/** A published resource of another department that already holds a data item (Art. 14). */
export type Duplicate = Static<typeof Duplicate>;
export const DuplicateList = Type.Object({ items: Type.Array(Duplicate) });
export const DuplicateCheckBody = Type.Object(
  {
    dataItems: Type.Array(Type.Object({ label: Text(100) }, { additionalProperties: true }), {
      maxItems: 500,
    }),
  },
  { additionalProperties: false },
);

export const SubmitBody = Type.Object(
  { duplicateJustification: Type.Optional(Nullable(Prose({ maxLength: 2000 }))) },
  { additionalProperties: false },
);
export const ReviewBody = Type.Object(
  {
    decision: StringEnum(['approve', 'return'] as const),
    comment: Type.Optional(Nullable(Prose({ maxLength: 2000 }))),
    fieldComments: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Prose({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const VersionList = Type.Object({ items: Type.Array(Version) });
export const DiffQuery = Type.Object(
  { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const FieldChange = Type.Object({
  field: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export type FieldChange = Static<typeof FieldChange>;
export const VersionDiff = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  fields: Type.Array(FieldChange),
  items: Type.Object({
    added: Type.Array(DataItem),
    removed: Type.Array(DataItem),
    changed: Type.Array(Type.Object({ name: Type.String(), changes: Type.Array(FieldChange) })),
  }),
});
/** Field-by-field difference between two versions. */
export type VersionDiff = Static<typeof VersionDiff>;

export const ReviewQueueItem = Type.Object({
  entryId: Uuid,
  code: Nullable(Type.String()),
  versionNo: Type.Integer(),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  submittedAt: Nullable(DateTime),
  submittedBy: Nullable(Type.String()),
  duplicateJustification: Nullable(Type.String()),
});
export type ReviewQueueItem = Static<typeof ReviewQueueItem>;
export const ReviewQueue = Type.Object({ items: Type.Array(ReviewQueueItem) });

export const OwnEntry = Type.Object({
  id: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  publishedVersionNo: Nullable(Type.Integer()),
  workingVersionNo: Nullable(Type.Integer()),
  workingState: Nullable(VersionStateSchema),
  confirmedAt: Nullable(DateTime),
  updatedAt: DateTime,
});
/** One of your organisation's entries, in any state. */
export type OwnEntry = Static<typeof OwnEntry>;
export const OwnEntries = Type.Object({ items: Type.Array(OwnEntry) });

// ---------- search ----------

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    orgId: Type.Optional(Uuid),
    divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    classification: Type.Optional(StringEnum(CLASSIFICATIONS)),
    domain: Type.Optional(Type.String({ maxLength: 30 })),
    shareType: Type.Optional(StringEnum(SHARE_TYPES)),
    openType: Type.Optional(StringEnum(OPEN_TYPES)),
    format: Type.Optional(StringEnum(FORMATS)),
    updateCycle: Type.Optional(StringEnum(UPDATE_CYCLES)),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const FacetValue = Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() });
export type FacetValue = Static<typeof FacetValue>;
const Facet = Type.Array(FacetValue);

export const SearchItem = Type.Object({
  id: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  abstract: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  divisionCode: Type.String(),
  classification: StringEnum(CLASSIFICATIONS),
  format: StringEnum(FORMATS),
  shareType: StringEnum(SHARE_TYPES),
  openType: StringEnum(OPEN_TYPES),
  updateCycle: StringEnum(UPDATE_CYCLES),
  domains: Type.Array(Type.String()),
  keywords: Type.Array(Type.String()),
  versionNo: Type.Integer(),
  publishedAt: Nullable(DateTime),
});
export type SearchItem = Static<typeof SearchItem>;

export const SearchResult = Type.Object({
  items: Type.Array(SearchItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  facets: Type.Object({
    org: Facet,
    division: Facet,
    classification: Facet,
    shareType: Facet,
    openType: Facet,
    format: Facet,
    updateCycle: Facet,
    domain: Facet,
  }),
});
export type SearchResult = Static<typeof SearchResult>;

// ---------- the open catalog ----------

/** One resource of the open catalog as the public sees it (no sharing conditions: those are for departments). */
export const OpenEntry = Type.Object(
  {
    id: Uuid,
    code: Nullable(Type.String()),
    name: Type.String(),
    abstract: Type.String(),
    orgId: Uuid,
    orgName: Type.String(),
    classification: StringEnum(CLASSIFICATIONS),
    category: Type.Object({
      l1: Type.String(),
      l2: Nullable(Type.String()),
      l3: Nullable(Type.String()),
      l4: Nullable(Type.String()),
    }),
    format: StringEnum(FORMATS),
    openType: StringEnum(['open', 'on_application'] as const),
    openCondition: Nullable(Type.String()),
    openBases: Type.Array(LegalBasis),
    updateCycle: StringEnum(UPDATE_CYCLES),
    dataItems: Type.Array(DataItem),
    domains: Type.Array(Type.String()),
    keywords: Type.Array(Type.String()),
    spatialExtent: Nullable(Type.String()),
    licence: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    contactPhone: Nullable(Type.String()),
    contactEmail: Nullable(Type.String()),
    relatedCodes: Type.Array(Type.String()),
    versionNo: Type.Integer(),
    firstPublishedAt: Nullable(DateTime),
    publishedAt: Nullable(DateTime),
  },
  { $id: 'OpenEntry' },
);
export type OpenEntry = Static<typeof OpenEntry>;

export const Restriction = Type.Object({
  id: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  orgName: Type.String(),
  openType: StringEnum(['on_application', 'closed'] as const),
  openCondition: Nullable(Type.String()),
  bases: Type.Array(LegalBasis),
});
/** A resource open only on application or not open, with the legal basis of the restriction (Art. 27). */
export type Restriction = Static<typeof Restriction>;
export const RestrictedList = Type.Object({ items: Type.Array(Restriction) });

// ---------- upkeep (Art. 12): re-confirmation on the authority's schedule ----------

export const UpkeepStatusSchema = StringEnum(UPKEEP_STATUSES, {
  description:
    'current: confirmed within the schedule; due: within the notice period; overdue: past due; outdated: cites a repealed legal basis',
});

export const UpkeepSchedule = Type.Object(
  {
    intervalDays: Type.Integer({ description: 'Days between re-confirmations / 复核周期（天）' }),
    noticeDays: Type.Integer({ description: 'Flag this many days before due / 提前提醒天数' }),
    source: StringEnum(['own', 'city', 'default'] as const, {
      description:
        "Whose schedule applies: one's own (or the supervising district authority's), the city's, or the default",
    }),
    editable: Type.Boolean(),
  },
  { $id: 'UpkeepSchedule' },
);
export type UpkeepSchedule = Static<typeof UpkeepSchedule>;

export const UpkeepScheduleBody = Type.Object(
  {
    intervalDays: Type.Integer({ minimum: 30, maximum: 1095 }),
    noticeDays: Type.Integer({ minimum: 1, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const UpkeepEntry = Type.Object({
  entryId: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  status: UpkeepStatusSchema,
  confirmedAt: Nullable(Type.String({ format: 'date-time' })),
  dueAt: Type.String({ format: 'date-time' }),
  pendingVersion: Type.Boolean({ description: 'A new version is being drafted or reviewed' }),
  repealedBases: Type.Array(Type.Object({ id: Uuid, title: Type.String(), article: Type.String() })),
});
export type UpkeepEntry = Static<typeof UpkeepEntry>;

export const UpkeepOrganisation = Type.Object({
  orgId: Uuid,
  orgName: Type.String(),
  kind: Type.String(),
  level: Type.String(),
  divisionCode: Type.String(),
  published: Type.Integer(),
  inProgress: Type.Integer({ description: 'Entries with a draft or a version under review' }),
  current: Type.Integer(),
  due: Type.Integer(),
  overdue: Type.Integer(),
  outdated: Type.Integer(),
  lastConfirmedAt: Nullable(Type.String({ format: 'date-time' })),
  noCatalog: Type.Boolean({ description: 'No published catalog entry at all' }),
});
export type UpkeepOrganisation = Static<typeof UpkeepOrganisation>;

export const UpkeepSummary = Type.Object({
  organisations: Type.Integer(),
  withoutCatalog: Type.Integer(),
  published: Type.Integer(),
  current: Type.Integer(),
  due: Type.Integer(),
  overdue: Type.Integer(),
  outdated: Type.Integer(),
});
export type UpkeepSummary = Static<typeof UpkeepSummary>;

export const UpkeepOverview = Type.Object(
  {
    schedule: UpkeepSchedule,
    summary: UpkeepSummary,
    organisations: Type.Array(UpkeepOrganisation),
    entries: Type.Array(UpkeepEntry),
  },
  { $id: 'UpkeepOverview' },
);
export type UpkeepOverview = Static<typeof UpkeepOverview>;

export const UPKEEP_FILTERS = ['attention', 'all', ...UPKEEP_STATUSES] as const;
/** The entry filter of the upkeep page: `attention` is every entry that is not current. */
export type UpkeepFilter = (typeof UPKEEP_FILTERS)[number];
export const UpkeepQuery = Type.Object(
  { orgId: Type.Optional(Uuid), status: Type.Optional(StringEnum(UPKEEP_FILTERS)) },
  { additionalProperties: false },
);
export type UpkeepQuery = Static<typeof UpkeepQuery>;

export const UpkeepConfirmBody = Type.Object(
  { entryIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export const UpkeepConfirmed = Type.Object({ confirmed: Type.Integer() });

export const UpkeepScanResult = Type.Object({
  due: Type.Integer(),
  overdue: Type.Integer(),
  outdated: Type.Integer(),
  newFlags: Type.Integer({ description: 'Flags sent by this run; each goes out once' }),
});
export type UpkeepScanResult = Static<typeof UpkeepScanResult>;

// ---------- Excel (the import template) ----------

export const XlsxIssue = Type.Object({
  sheet: Type.String({ description: 'Sheet name, e.g. 目录' }),
  row: Nullable(Type.Integer({ description: 'Row number as Excel shows it (1 is the header)' })),
  column: Nullable(Type.String({ description: 'Column letter, e.g. J' })),
  header: Nullable(Type.String({ description: 'Column header, e.g. 共享类型' })),
  message: LocalisedMessage,
});
/** One problem of an Excel import, where Excel shows it. */
export type XlsxIssue = Static<typeof XlsxIssue>;

export const XlsxImportResult = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      row: Type.Integer({ description: 'Row of the entry in the sheet 目录' }),
    }),
  ),
  warnings: Type.Array(XlsxIssue, {
    description: 'Rules that drafts need not meet yet but a submission for review will',
  }),
});
/** The drafts created by an import, and what they must still fix before submission. */
export type XlsxImportResult = Static<typeof XlsxImportResult>;

/** problem+json; for `xlsx_invalid` with every error (and warning) of the file. */
export const XlsxProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    message: LocalisedMessage,
    fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: LocalisedMessage }))),
    errorCount: Type.Optional(Type.Integer()),
    errors: Type.Optional(Type.Array(XlsxIssue)),
    warnings: Type.Optional(Type.Array(XlsxIssue)),
    requestId: Type.Optional(Type.String()),
  },
  { description: 'Problem details; code xlsx_invalid lists every error with sheet, row and column' },
);
export type XlsxProblem = Static<typeof XlsxProblem>;
