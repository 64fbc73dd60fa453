import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../plugins/auth.ts';
import { Nullable, StringEnum, Uuid, responses } from '../../shared/schemas.ts';
import * as upkeep from './catalog.upkeep.ts';

const Status = StringEnum(['current', 'due', 'overdue', 'outdated'] as const, {
  description:
    'current: confirmed within the schedule; due: within the notice period; overdue: past due; outdated: cites a repealed legal basis',
});

const Schedule = Type.Object(
  {
    intervalDays: Type.Integer({ description: 'Days between re-confirmations / 复核周期（天）' }),
    noticeDays: Type.Integer({ description: 'Flag this many days before due / 提前提醒天数' }),
    source: StringEnum(['own', 'city', 'default'] as const),
    editable: Type.Boolean(),
  },
  { $id: 'UpkeepSchedule' },
);

const ScheduleBody = Type.Object(
  {
    intervalDays: Type.Integer({ minimum: 30, maximum: 1095 }),
    noticeDays: Type.Integer({ minimum: 1, maximum: 90 }),
  },
  { additionalProperties: false },
);

const UpkeepEntry = Type.Object({
  entryId: Uuid,
  code: Nullable(Type.String()),
  name: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  status: Status,
  confirmedAt: Nullable(Type.String({ format: 'date-time' })),
  dueAt: Type.String({ format: 'date-time' }),
  pendingVersion: Type.Boolean({ description: 'A new version is being drafted or reviewed' }),
  repealedBases: Type.Array(Type.Object({ id: Uuid, title: Type.String(), article: Type.String() })),
});

const UpkeepOrganisation = Type.Object({
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

const Overview = Type.Object(
  {
    schedule: Schedule,
    summary: Type.Object({
      organisations: Type.Integer(),
      withoutCatalog: Type.Integer(),
      published: Type.Integer(),
      current: Type.Integer(),
      due: Type.Integer(),
      overdue: Type.Integer(),
      outdated: Type.Integer(),
    }),
    organisations: Type.Array(UpkeepOrganisation),
    entries: Type.Array(UpkeepEntry),
  },
  { $id: 'UpkeepOverview' },
);

const ScanResult = Type.Object({
  due: Type.Integer(),
  overdue: Type.Integer(),
  outdated: Type.Integer(),
  newFlags: Type.Integer({ description: 'Flags sent by this run; each goes out once' }),
});

export const catalogUpkeepRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;
  const tags = ['catalog upkeep'];

  app.get(
    '/catalog/upkeep',
    {
      config: { policy: 'upkeepViewer' },
      schema: {
        tags,
        summary: 'Catalog upkeep: schedule, per-organisation state, entries needing attention / 目录更新维护',
        description:
          "An authority sees the organisations of its jurisdiction (the city authority all of them); a department's cataloguer sees their own. `status` filters the entries (default `attention`: every entry that is not current).",
        querystring: Type.Object(
          {
            orgId: Type.Optional(Uuid),
            status: Type.Optional(
              StringEnum(['attention', 'all', 'current', 'due', 'overdue', 'outdated'] as const),
            ),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Overview }),
      },
    },
    async (request) => upkeep.overview(db, actorOf(request), request.query),
  );

  app.put(
    '/catalog/upkeep/schedule',
    {
      config: { policy: 'keeper' },
      schema: {
        tags,
        summary: "Set the re-confirmation schedule of your authority's departments / 设置目录复核周期",
        body: ScheduleBody,
        response: responses({ 200: Schedule }),
      },
    },
    async (request) => upkeep.setSchedule(db, actorOf(request), request.body),
  );

  app.post(
    '/catalog/upkeep/confirmations',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: "Confirm that your organisation's published entries are still accurate / 复核确认目录",
        description:
          'All or nothing: every id must be a published entry of your organisation. An entry citing a repealed legal basis cannot be confirmed (409 catalog_entry_outdated): revise it instead.',
        body: Type.Object(
          { entryIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ confirmed: Type.Integer() }) }),
      },
    },
    async (request) => upkeep.confirm(db, actorOf(request), request.body.entryIds),
  );

  app.post(
    '/catalog/upkeep/scan',
    {
      config: { policy: 'cityKeeper' },
      schema: {
        tags,
        summary: 'Run the upkeep check now (it also runs every day at 02:00) / 立即运行目录维护检查',
        response: responses({ 200: ScanResult }),
      },
    },
    async (request) =>
      upkeep.scanNow(db, actorOf(request), () => app.jobs.runNow(upkeep.upkeepScanJob.name, {})),
  );
};
