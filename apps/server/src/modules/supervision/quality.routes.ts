import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import {
  DeclarationBody,
  EntryQuality,
  MaybeDeclaration,
  QualityOverview,
  QualityQuery,
} from '@huitong/contract/quality';
import { IdParams, responses } from '../../shared/schemas.ts';
import * as quality from './quality.ts';

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
        querystring: QualityQuery,
        response: responses({ 200: QualityOverview }),
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
        params: IdParams,
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
        params: IdParams,
        body: DeclarationBody,
        response: responses({ 200: MaybeDeclaration }),
      },
    },
    async (request) => quality.declare(db, actorOf(request), request.params.id, request.body),
  );
};
