import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import { appliedMigration } from '../../db/migrate.ts';
import { NoContent, responses } from '../../shared/schemas.ts';
import { VERSION } from '../../shared/version.ts';
import {
  CalendarYear,
  DateParams,
  DaysQuery,
  DaysResponse,
  DeadlineQuery,
  DeadlineResponse,
  Health,
  Override,
  OverrideBody,
  OverrideList,
  YearBody,
  YearList,
  YearParams,
  type Override as OverrideDto,
} from '@huitong/contract/platform';

function overrideDto(o: {
  date: string;
  is_workday: boolean;
  name: string;
  note: string | null;
  updated_at: Date;
}): OverrideDto {
  return {
    date: o.date,
    isWorkday: o.is_workday,
    name: o.name,
    note: o.note,
    updatedAt: o.updated_at.toISOString(),
  };
}

export const platformRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const calendar = app.calendar;

  app.get(
    '/health',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Status, version, database backend and migration / 运行状态',
        response: responses({ 200: Health }),
      },
    },
    async () => ({
      status: 'ok' as const,
      version: VERSION,
      backend: app.backend,
      migration: (await appliedMigration(app.db)) ?? 'none',
      time: new Date().toISOString(),
    }),
  );

  app.get(
    '/calendar/days',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Working-day status of each day in a range / 工作日查询',
        querystring: DaysQuery,
        response: responses({ 200: DaysResponse }),
      },
    },
    async (request) => calendar.days(request.query.from, request.query.to),
  );

  app.get(
    '/calendar/deadline',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Deadline N working days after a date (day of receipt not counted) / 法定期限计算',
        querystring: DeadlineQuery,
        response: responses({ 200: DeadlineResponse }),
      },
    },
    async (request) => {
      const { start, days } = request.query;
      return { start, days, ...(await calendar.deadline(start, days)) };
    },
  );

  app.get(
    '/calendar/overrides',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Administrator corrections / 节假日调整',
        response: responses({ 200: OverrideList }),
      },
    },
    async () => ({ items: (await calendar.overrides()).map(overrideDto) }),
  );

  app.put(
    '/calendar/overrides/:date',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['calendar'],
        summary: 'Set a day as working day or day off / 设置调整',
        params: DateParams,
        body: OverrideBody,
        response: responses({ 200: Override }),
      },
    },
    async (request) =>
      overrideDto(await calendar.setOverride(actorOf(request), request.params.date, request.body)),
  );

  app.delete(
    '/calendar/overrides/:date',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['calendar'],
        summary: 'Remove a correction / 删除调整',
        params: DateParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await calendar.deleteOverride(actorOf(request), request.params.date);
      return reply.code(204).send();
    },
  );

  app.get(
    '/calendar/years',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Years with statutory holiday data / 节假日数据覆盖年度',
        response: responses({ 200: YearList }),
      },
    },
    async () => ({ items: await calendar.years() }),
  );

  app.put(
    '/calendar/years/:year',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['calendar'],
        summary: "Declare a year's holidays entered in full in the overrides / 声明年度放假安排已录入",
        params: YearParams,
        body: YearBody,
        response: responses({ 200: CalendarYear }),
      },
    },
    async (request) => {
      const row = await calendar.declareYear(
        actorOf(request),
        request.params.year,
        request.body.note ?? null,
      );
      return { year: row.year, source: 'declared' as const, note: row.note };
    },
  );

  app.delete(
    '/calendar/years/:year',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['calendar'],
        summary: 'Withdraw a year declaration / 撤销年度声明',
        params: YearParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await calendar.undeclareYear(actorOf(request), request.params.year);
      return reply.code(204).send();
    },
  );
};
