import { Type, type Static } from 'typebox';
import { DateTime, Nullable, PageQuery, Prose, StringEnum, Uuid } from '../../shared/schemas.ts';
import { ENTRY_ACTIONS } from '../../shared/policy.ts';
import {
  BASE_KINDS,
  CLASSIFICATIONS,
  DATA_TYPES,
  FORMATS,
  OPEN_TYPES,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from './catalog.model.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OptText = (max: number) => Nullable(Type.String({ maxLength: max }));

export const DataItemSchema = Type.Object(
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

export const MetadataSchema = Type.Object(
  {
    name: Text(200),
    abstract: Prose({ minLength: 1, maxLength: 4000 }),
    classification: StringEnum(CLASSIFICATIONS, { description: 'base 基础 · topic 主题 · department 部门' }),
    baseKind: Nullable(StringEnum(BASE_KINDS)),
    category: Type.Object(
      { l1: Text(50), l2: OptText(50), l3: OptText(50), l4: OptText(50) },
      { additionalProperties: false, description: '类 / 项 / 目 / 细目' },
    ),
    format: StringEnum(FORMATS),
    dataItems: Type.Array(DataItemSchema, { maxItems: 500 }),
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
export type MetadataBody = Static<typeof MetadataSchema>;

export const LegalBasisKindSchema = StringEnum(
  ['law', 'administrative_regulation', 'local_regulation', 'rule', 'normative_document'] as const,
  { description: '法律 · 行政法规 · 地方性法规 · 规章 · 规范性文件' },
);

export const LegalBasisSchema = Type.Object({
  id: Uuid,
  title: Type.String(),
  kind: LegalBasisKindSchema,
  article: Type.String(),
  quote: Type.String(),
  quoteIsSummary: Type.Boolean(),
  active: Type.Boolean(),
});
export const LegalBasisList = Type.Object({ items: Type.Array(LegalBasisSchema) });
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

export const VersionSchema = Type.Object({
  id: Uuid,
  versionNo: Type.Integer(),
  state: StringEnum(['draft', 'submitted', 'returned', 'published', 'superseded'] as const),
  metadata: MetadataSchema,
  shareBases: Type.Array(LegalBasisSchema),
  openBases: Type.Array(LegalBasisSchema),
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

export const EntrySchema = Type.Object({
  id: Uuid,
  code: Nullable(Type.String({ description: 'Resource code 前段码/后段码, assigned at first publication' })),
  orgId: Uuid,
  orgName: Type.String(),
  published: Nullable(VersionSchema),
  working: Nullable(VersionSchema),
  firstPublishedAt: Nullable(DateTime),
  confirmedAt: Nullable(DateTime),
  actions: Type.Array(StringEnum(ENTRY_ACTIONS), {
    description:
      'What the caller may do to this entry (the policy module decides): edit (drafts, submit, withdraw, revise, confirm), review (approve or return a submitted version)',
  }),
});

export const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const DuplicateSchema = Type.Object({
  concept: Type.String(),
  label: Type.String(),
  entryId: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
});
export const DuplicateList = Type.Object({ items: Type.Array(DuplicateSchema) });
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

export const VersionList = Type.Object({ items: Type.Array(VersionSchema) });
export const DiffQuery = Type.Object(
  { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
const Change = Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() });
export const DiffSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  fields: Type.Array(Change),
  items: Type.Object({
    added: Type.Array(DataItemSchema),
    removed: Type.Array(DataItemSchema),
    changed: Type.Array(Type.Object({ name: Type.String(), changes: Type.Array(Change) })),
  }),
});

export const ReviewQueue = Type.Object({
  items: Type.Array(
    Type.Object({
      entryId: Uuid,
      code: Nullable(Type.String()),
      versionNo: Type.Integer(),
      name: Type.String(),
      orgId: Uuid,
      orgName: Type.String(),
      submittedAt: Nullable(DateTime),
      submittedBy: Nullable(Type.String()),
      duplicateJustification: Nullable(Type.String()),
    }),
  ),
});

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

const Facet = Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }));
export const SearchResult = Type.Object({
  items: Type.Array(
    Type.Object({
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
    }),
  ),
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

/** One resource of the open catalog as the public sees it (no sharing conditions: those are for departments). */
export const OpenEntrySchema = Type.Object(
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
    openBases: Type.Array(LegalBasisSchema),
    updateCycle: StringEnum(UPDATE_CYCLES),
    dataItems: Type.Array(DataItemSchema),
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

export const RestrictedList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      code: Nullable(Type.String()),
      name: Type.String(),
      orgName: Type.String(),
      openType: StringEnum(['on_application', 'closed'] as const),
      openCondition: Nullable(Type.String()),
      bases: Type.Array(LegalBasisSchema),
    }),
  ),
});

export const OwnEntries = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      code: Nullable(Type.String()),
      name: Type.String(),
      publishedVersionNo: Nullable(Type.Integer()),
      workingVersionNo: Nullable(Type.Integer()),
      workingState: Nullable(
        StringEnum(['draft', 'submitted', 'returned', 'published', 'superseded'] as const),
      ),
      confirmedAt: Nullable(DateTime),
      updatedAt: DateTime,
    }),
  ),
});
