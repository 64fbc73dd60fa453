import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../plugins/auth.ts';
import { LocalisedMessage, Nullable, StringEnum, Uuid, responses } from '../../shared/schemas.ts';
import * as quality from './quality.ts';

const Kind = StringEnum(quality.PROBLEM_KINDS, {
  description:
    'no_data: published without data; overdue: no new version within the update cycle; low_quality: an item below the completeness or validity threshold; quality_drop: clearly worse than the previous version; rows_excluded: invalid rows were left out; declared_mismatch: the department’s stated row count or checksum differs; connector_failing: its pull connector fails',
});
const Severity = StringEnum(quality.SEVERITIES);
const KindCounts = Type.Record(Type.String(), Type.Integer());

const QualityProblem = Type.Object(
  {
    entryId: Uuid,
    entryCode: Nullable(Type.String()),
    entryName: Type.String(),
    orgId: Uuid,
    orgName: Type.String(),
    kind: Kind,
    severity: Severity,
    since: Type.String({ format: 'date-time', description: 'When the problem began' }),
    ageDays: Type.Integer(),
    message: LocalisedMessage,
    details: Type.Record(Type.String(), Type.Unknown()),
    mustAct: Type.Array(
      Type.Object({
        orgId: Uuid,
        orgName: Type.String(),
        role: StringEnum(['provider', 'cataloguer', 'reviewer'] as const),
      }),
      {
        description:
          'Who must act: the department’s providers or cataloguers; its supervising authority once escalated',
      },
    ),
    escalated: Type.Boolean({ description: 'Left long enough to be brought to the supervising authority' }),
    subject: Type.String({ description: 'What the problem is about (a version, a declaration)' }),
  },
  { $id: 'QualityProblem' },
);

const Overview = Type.Object(
  {
    generatedAt: Type.String({ format: 'date-time' }),
    summary: Type.Object({
      organisations: Type.Integer(),
      entries: Type.Integer({ description: 'Published entries' }),
      withData: Type.Integer(),
      withProblems: Type.Integer(),
      problems: Type.Integer(),
      escalated: Type.Integer(),
      byKind: KindCounts,
      bySeverity: Type.Object({ high: Type.Integer(), medium: Type.Integer(), low: Type.Integer() }),
    }),
    organisations: Type.Array(
      Type.Object({
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
        byKind: KindCounts,
      }),
    ),
    rules: Type.Object({
      overdueAfterDays: Type.Record(Type.String(), Type.Integer()),
      minRequiredCompleteness: Type.Number(),
      minValidShare: Type.Number(),
      maxShareDrop: Type.Number(),
      minRowRatio: Type.Number(),
      minRowsForDrop: Type.Integer(),
      escalateAfterDays: Type.Integer(),
    }),
    items: Type.Array(QualityProblem),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  },
  { $id: 'QualityOverview' },
);

const Share = Nullable(Type.Number({ minimum: 0, maximum: 1 }));

const Declaration = Type.Object(
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

const EntryQuality = Type.Object(
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
    versions: Type.Array(
      Type.Object({
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
      }),
    ),
    problems: Type.Array(QualityProblem),
  },
  { $id: 'EntryQuality' },
);

const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;
  const tags = ['data quality'];

  app.get(
    '/provision/quality',
    {
      // Route door: staff; the service admits an authority's reviewers and administrators and a
      // department's providers and cataloguers, each within their jurisdiction.
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Data quality: problems of every entry in your jurisdiction / 数据质量看板',
        description:
          "A department's providers and cataloguers see their own entries; a district authority's reviewers and administrators its district's departments; the city authority's all. Summary counts first, then the problems (most severe and oldest first), filtered by `kind`, `orgId`, `severity`, paged.",
        querystring: Type.Object(
          {
            kind: Type.Optional(Kind),
            orgId: Type.Optional(Uuid),
            severity: Type.Optional(Severity),
            page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Overview }),
      },
    },
    async (request) => quality.overview(db, actorOf(request), request.query),
  );

  app.get(
    '/provision/quality/entries/:id',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Quality of one entry: trend per version and current problems / 目录数据质量详情',
        params: EntryParams,
        response: responses({ 200: EntryQuality }),
      },
    },
    async (request) => quality.entryQuality(db, actorOf(request), request.params.id),
  );

  app.put(
    '/provision/quality/entries/:id/declaration',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary:
          'State the row count and SM3 checksum of what the department holds / 声明本部门数据行数与校验值',
        description:
          'The checksum is the SM3 digest (64 hex digits) of the file the department provided, e.g. `openssl dgst -sm3 file.csv` or `gmssl sm3 file.csv`. A value of null clears it; both null withdraw the declaration. The platform flags `declared_mismatch` when the current version differs.',
        params: EntryParams,
        body: Type.Object(
          {
            rowCount: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
            checksum: Nullable(
              Type.String({ pattern: quality.CHECKSUM_PATTERN, description: 'SM3, 64 hex digits' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Nullable(Declaration) }),
      },
    },
    async (request) => quality.declare(db, actorOf(request), request.params.id, request.body),
  );
};
