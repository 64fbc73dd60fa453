import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, responses } from '../../shared/schemas.ts';
import { OpenEntry, RestrictedList, SearchQuery, SearchResult } from '@huitong/contract/catalog';
import {
  basisDto,
  iso,
  openEntry,
  restrictedOpen,
  searchCatalog,
  searchDto,
  type EntryMetadata,
} from '../catalog/index.ts';

/** The open portal's public routes (Art. 27): the open catalog and the restrictions with their legal bases. */
export const openingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;

  app.get(
    '/open/catalog',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['open data'],
        summary: 'Search the open catalog (无条件开放 and 依申请开放) / 开放目录检索',
        querystring: SearchQuery,
        response: responses({ 200: SearchResult }),
      },
    },
    async (request) => {
      const { page = 1, pageSize = 20, ...filter } = request.query;
      return searchDto(
        await searchCatalog(db, { ...filter, openCatalogOnly: true }, page, pageSize),
        page,
        pageSize,
      );
    },
  );
  app.get(
    '/open/catalog/:id',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['open data'],
        summary: 'One resource of the open catalog / 开放目录详情',
        description:
          'The published metadata of an entry that is 无条件开放 or 依申请开放, with its data items and the legal bases of a restriction. Drafts, entries under review and entries that are not open answer 404.',
        params: IdParams,
        response: responses({ 200: OpenEntry }),
      },
    },
    async (request) => {
      const { entry, version, metadata: m, openType, bases } = await openEntry(db, request.params.id);
      return {
        id: entry.id,
        code: entry.code,
        name: m.name,
        abstract: m.abstract,
        orgId: entry.org_id,
        orgName: entry.org_name,
        classification: m.classification,
        category: m.category,
        format: m.format,
        openType,
        openCondition: m.openCondition,
        openBases: bases.map(basisDto),
        updateCycle: m.updateCycle,
        dataItems: m.dataItems,
        domains: m.domains,
        keywords: m.keywords,
        spatialExtent: m.spatialExtent,
        licence: m.licence,
        contactName: m.contactName,
        contactPhone: m.contactPhone,
        contactEmail: m.contactEmail,
        relatedCodes: m.relatedCodes,
        versionNo: version.version_no,
        firstPublishedAt: iso(entry.first_published_at),
        publishedAt: iso(version.published_at),
      };
    },
  );
  app.get(
    '/open/restrictions',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['open data'],
        summary:
          'Resources open only on application or not open, with the legal basis of each restriction (Art. 27) / 限制开放依据',
        response: responses({ 200: RestrictedList }),
      },
    },
    async () => ({
      items: (await restrictedOpen(db)).map((r) => {
        const m = r.metadata as EntryMetadata;
        return {
          id: r.id,
          code: r.code,
          name: r.name,
          orgName: r.org_name,
          openType: r.open_type === 'closed' ? ('closed' as const) : ('on_application' as const),
          openCondition: m.openCondition,
          bases: r.bases.map(basisDto),
        };
      }),
    }),
  );
};
