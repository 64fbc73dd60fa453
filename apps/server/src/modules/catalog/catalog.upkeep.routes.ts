import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import {
  UpkeepConfirmBody,
  UpkeepConfirmed,
  UpkeepOverview,
  UpkeepQuery,
  UpkeepSchedule,
  UpkeepScanResult,
  UpkeepScheduleBody,
} from '@huitong/contract/catalog';
import { responses } from '../../shared/schemas.ts';
import * as upkeep from './catalog.upkeep.ts';

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
        querystring: UpkeepQuery,
        response: responses({ 200: UpkeepOverview }),
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
        body: UpkeepScheduleBody,
        response: responses({ 200: UpkeepSchedule }),
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
        body: UpkeepConfirmBody,
        response: responses({ 200: UpkeepConfirmed }),
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
        response: responses({ 200: UpkeepScanResult }),
      },
    },
    async (request) =>
      upkeep.scanNow(db, actorOf(request), () => app.jobs.runNow(upkeep.upkeepScanJob.name, {})),
  );
};
