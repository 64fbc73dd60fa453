/** The data-quality watch over published entries (Art. 13, 16, 34). */
import { Type, type Static } from 'typebox';
import { LocalisedMessage, Nullable, StringEnum, Uuid } from './common.ts';
import { ACTING_ROLES, PROBLEM_KINDS, SEVERITIES } from './values.ts';

/** The SM3 checksum a department declares: 64 hex digits. */
export const CHECKSUM_PATTERN = '^[0-9A-Fa-f]{64}$';

export const ProblemKindSchema = StringEnum(PROBLEM_KINDS, {
  description:
    'no_data: published without data; overdue: no new version within the update cycle; low_quality: an item below the completeness or validity threshold; quality_drop: clearly worse than the previous version; rows_excluded: invalid rows were left out; declared_mismatch: the department’s stated row count or checksum differs; connector_failing: its pull connector fails',
});
export const SeveritySchema = StringEnum(SEVERITIES);

const kindCounts = Type.Object({
  no_data: Type.Integer(),
  overdue: Type.Integer(),
  low_quality: Type.Integer(),
  quality_drop: Type.Integer(),
  rows_excluded: Type.Integer(),
  declared_mismatch: Type.Integer(),
  connector_failing: Type.Integer(),
});

export const MustAct = Type.Object({
  orgId: Uuid,
  orgName: Type.String(),
  role: StringEnum(ACTING_ROLES),
});

export const QualityProblem = Type.Object(
  {
    entryId: Uuid,
    entryCode: Nullable(Type.String()),
    entryName: Type.String(),
    orgId: Uuid,
    orgName: Type.String(),
    kind: ProblemKindSchema,
    severity: SeveritySchema,
    since: Type.String({ format: 'date-time', description: 'When the problem began' }),
    ageDays: Type.Integer(),
    message: LocalisedMessage,
    details: Type.Record(Type.String(), Type.Unknown()),
    mustAct: Type.Array(MustAct, {
      description:
        'Who must act: the department’s providers or cataloguers; its supervising authority once escalated',
    }),
    escalated: Type.Boolean({ description: 'Left long enough to be brought to the supervising authority' }),
    subject: Type.String({ description: 'What the problem is about (a version, a declaration)' }),
  },
  { $id: 'QualityProblem' },
);
/** A data-quality problem of a published entry, and who must act on it. */
export type QualityProblem = Static<typeof QualityProblem>;

export const QualityOrganisation = Type.Object({
  orgId: Uuid,
  orgName: Type.String(),
  level: Type.String(),
  divisionCode: Type.String(),
  entries: Type.Integer(),
  withData: Type.Integer(),
  withProblems: Type.Integer(),
  problems: Type.Integer(),
  high: Type.Integer(),
  escalated: Type.Integer(),
  oldestDays: Nullable(Type.Integer()),
  byKind: kindCounts,
});
export type QualityOrganisation = Static<typeof QualityOrganisation>;

export const QualityRules = Type.Object({
  overdueAfterDays: Type.Record(Type.String(), Type.Integer()),
  minRequiredCompleteness: Type.Number(),
  minValidShare: Type.Number(),
  maxShareDrop: Type.Number(),
  minRowRatio: Type.Number(),
  minRowsForDrop: Type.Integer(),
  escalateAfterDays: Type.Integer(),
});

export const QualityOverview = Type.Object(
  {
    generatedAt: Type.String({ format: 'date-time' }),
    summary: Type.Object({
      organisations: Type.Integer(),
      entries: Type.Integer({ description: 'Published entries' }),
      withData: Type.Integer(),
      withProblems: Type.Integer(),
      problems: Type.Integer(),
      escalated: Type.Integer(),
      byKind: kindCounts,
      bySeverity: Type.Object({ high: Type.Integer(), medium: Type.Integer(), low: Type.Integer() }),
    }),
    organisations: Type.Array(QualityOrganisation),
    rules: QualityRules,
    items: Type.Array(QualityProblem),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  },
  { $id: 'QualityOverview' },
);
export type QualityOverview = Static<typeof QualityOverview>;

export const QualityQuery = Type.Object(
  {
    kind: Type.Optional(ProblemKindSchema),
    orgId: Type.Optional(Uuid),
    severity: Type.Optional(SeveritySchema),
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
/** The filter of the quality overview. */
export type QualityQuery = Static<typeof QualityQuery>;

const Share = Nullable(Type.Number({ minimum: 0, maximum: 1 }));

export const Declaration = Type.Object(
  {
    rowCount: Nullable(Type.Integer()),
    checksum: Nullable(Type.String()),
    declaredAt: Type.String({ format: 'date-time' }),
    rowCountMatches: Nullable(Type.Boolean()),
    checksumMatches: Nullable(
      Type.Boolean({ description: 'null when the current version has no SM3 to compare with' }),
    ),
  },
  { $id: 'QualityDeclaration' },
);
/** The row count and SM3 a department states for what it holds, and whether the current version matches. */
export type Declaration = Static<typeof Declaration>;
export const MaybeDeclaration = Nullable(Declaration);

export const DeclarationBody = Type.Object(
  {
    rowCount: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
    checksum: Nullable(Type.String({ pattern: CHECKSUM_PATTERN, description: 'SM3, 64 hex digits' })),
  },
  { additionalProperties: false },
);
export type DeclarationBody = Static<typeof DeclarationBody>;

export const VersionTrend = Type.Object({
  id: Uuid,
  versionNo: Type.Integer(),
  state: StringEnum(['ready', 'failed'] as const),
  source: Type.String(),
  current: Type.Boolean(),
  rowCount: Nullable(Type.Integer()),
  excludedRowCount: Nullable(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  completeness: Share,
  validity: Share,
  fields: Type.Array(
    Type.Object({
      field: Type.String(),
      label: Type.String(),
      required: Type.Boolean(),
      completeness: Share,
      validShare: Share,
    }),
  ),
});
/** The quality of one version of an entry's data. */
export type VersionTrend = Static<typeof VersionTrend>;

export const EntryQuality = Type.Object(
  {
    entry: Type.Object({
      id: Uuid,
      code: Nullable(Type.String()),
      name: Type.String(),
      orgId: Uuid,
      orgName: Type.String(),
      format: Type.String(),
      updateCycle: Type.String(),
      overdueAfterDays: Type.Integer(),
      publishedAt: Type.String({ format: 'date-time' }),
    }),
    currentVersionId: Nullable(Uuid),
    declaration: Nullable(Declaration),
    checksum: Nullable(Type.String({ description: 'SM3 of the file behind the current version, if any' })),
    versions: Type.Array(VersionTrend),
    problems: Type.Array(QualityProblem),
  },
  { $id: 'EntryQuality' },
);
export type EntryQuality = Static<typeof EntryQuality>;
