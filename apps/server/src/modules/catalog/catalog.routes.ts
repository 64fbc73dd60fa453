import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../plugins/auth.ts';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { IdParams, responses } from '../../shared/schemas.ts';
import { inbox, markRead } from '../platform/index.ts';
import type { EntryMetadata } from './catalog.model.ts';
import type * as repo from './catalog.repository.ts';
import * as catalog from './catalog.service.ts';
import {
  CreateLegalBasisBody,
  DiffQuery,
  DiffSchema,
  DuplicateCheckBody,
  DuplicateList,
  EntryParams,
  EntrySchema,
  Inbox,
  InboxQuery,
  LegalBasisList,
  LegalBasisSchema,
  MetadataSchema,
  OpenEntrySchema,
  OwnEntries,
  RestrictedList,
  ReviewBody,
  ReviewQueue,
  SearchQuery,
  SearchResult,
  SubmitBody,
  UpdateLegalBasisBody,
  VersionList,
} from './catalog.schemas.ts';

type BasisRow = Awaited<ReturnType<typeof repo.listLegalBases>>[number];
const basisDto = (
  b: Pick<BasisRow, 'id' | 'title' | 'kind' | 'article' | 'quote' | 'quote_is_summary'> & {
    active?: boolean;
  },
) => ({
  id: b.id,
  title: b.title,
  kind: b.kind,
  article: b.article,
  quote: b.quote,
  quoteIsSummary: b.quote_is_summary,
  active: b.active ?? true,
});

type Detail = catalog.EntryDetail;
type VersionRow = NonNullable<Detail['published']>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

function versionDto(v: VersionRow, bases: Detail['bases']) {
  const own = bases.filter((b) => b.version_id === v.id);
  return {
    id: v.id,
    versionNo: v.version_no,
    state: v.state,
    metadata: v.metadata as EntryMetadata,
    shareBases: own.filter((b) => b.applies_to === 'share').map(basisDto),
    openBases: own.filter((b) => b.applies_to === 'open').map(basisDto),
    duplicateJustification: v.duplicate_justification,
    reviewComment: v.review_comment,
    fieldComments: v.field_comments,
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    submittedAt: iso(v.submitted_at),
    submittedBy: v.submitted_by_name,
    reviewedAt: iso(v.reviewed_at),
    reviewedBy: v.reviewed_by_name,
    publishedAt: iso(v.published_at),
  };
}

function entryDto(d: Detail) {
  return {
    id: d.entry.id,
    code: d.entry.code,
    orgId: d.entry.org_id,
    orgName: d.entry.org_name,
    published: d.published ? versionDto(d.published, d.bases) : null,
    working: d.working ? versionDto(d.working, d.bases) : null,
    firstPublishedAt: iso(d.entry.first_published_at),
    confirmedAt: iso(d.entry.confirmed_at),
  };
}

function searchDto(result: Awaited<ReturnType<typeof catalog.search>>, page: number, pageSize: number) {
  return {
    items: result.rows.map((r) => ({ ...r, publishedAt: iso(r.publishedAt) })),
    total: result.total,
    page,
    pageSize,
    facets: result.facets,
  };
}

export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;
  const tags = ['catalog'];

  // ---------- legal bases ----------
  app.get(
    '/catalog/legal-bases',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'The legal-basis library / 法律依据库',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: responses({ 200: LegalBasisList }),
      },
    },
    async (request) => ({
      items: (await catalog.listLegalBases(db, request.query.all ?? false)).map(basisDto),
    }),
  );
  app.post(
    '/catalog/legal-bases',
    {
      config: { policy: 'cityKeeper' },
      schema: {
        tags,
        summary: 'Add a legal basis / 新增法律依据',
        body: CreateLegalBasisBody,
        response: responses({ 201: LegalBasisSchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(basisDto(await catalog.createLegalBasis(db, actorOf(request), request.body))),
  );
  app.patch(
    '/catalog/legal-bases/:id',
    {
      config: { policy: 'cityKeeper' },
      schema: {
        tags,
        summary: 'Edit or withdraw a legal basis / 修改法律依据',
        params: IdParams,
        body: UpdateLegalBasisBody,
        response: responses({ 200: LegalBasisSchema }),
      },
    },
    async (request) =>
      basisDto(await catalog.updateLegalBasis(db, actorOf(request), request.params.id, request.body)),
  );

  // ---------- the sharing catalog (workspace) ----------
  app.get(
    '/catalog/entries',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Search the sharing catalog (published entries) with facets / 共享目录检索',
        querystring: SearchQuery,
        response: responses({ 200: SearchResult }),
      },
    },
    async (request) => {
      const { page = 1, pageSize = 20, ...filter } = request.query;
      return searchDto(await catalog.search(db, filter, page, pageSize), page, pageSize);
    },
  );
  app.get(
    '/catalog/mine',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: "Your organisation's entries in every state / 本部门目录",
        response: responses({ 200: OwnEntries }),
      },
    },
    async (request) => ({
      items: (await catalog.ownEntries(db, actorOf(request))).map((e) => ({
        id: e.id,
        code: e.code,
        name: e.working_name ?? e.published_name ?? '',
        publishedVersionNo: e.published_no,
        workingVersionNo: e.working_no,
        workingState: e.working_state,
        confirmedAt: iso(e.confirmed_at),
        updatedAt: e.updated_at.toISOString(),
      })),
    }),
  );
  app.post(
    '/catalog/entries',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: 'Draft a new catalog entry / 新建目录',
        body: MetadataSchema,
        response: responses({ 201: EntrySchema }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(entryDto(await catalog.createEntry(db, actorOf(request), request.body))),
  );
  app.get(
    '/catalog/entries/:id',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'One entry: published version and, for insiders, the version in progress / 目录详情',
        params: EntryParams,
        response: responses({ 200: EntrySchema }),
      },
    },
    async (request) => entryDto(await catalog.getEntry(db, actorOf(request), request.params.id)),
  );
  app.put(
    '/catalog/entries/:id/draft',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: 'Save the version in progress / 保存草稿',
        params: EntryParams,
        body: MetadataSchema,
        response: responses({ 200: EntrySchema }),
      },
    },
    async (request) =>
      entryDto(await catalog.updateDraft(db, actorOf(request), request.params.id, request.body)),
  );
  app.post(
    '/catalog/entries/:id/submit',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: 'Submit for review / 提交审核',
        params: EntryParams,
        body: SubmitBody,
        response: responses({ 200: EntrySchema }),
      },
    },
    async (request) =>
      entryDto(
        await catalog.submit(
          db,
          actorOf(request),
          request.params.id,
          request.body.duplicateJustification ?? null,
        ),
      ),
  );
  app.post(
    '/catalog/entries/:id/review',
    {
      config: { policy: 'reviewer' },
      schema: {
        tags,
        summary: 'Approve (publish) or return with comments / 审核',
        params: EntryParams,
        body: ReviewBody,
        response: responses({ 200: EntrySchema }),
      },
    },
    async (request) => entryDto(await catalog.review(db, actorOf(request), request.params.id, request.body)),
  );
  app.post(
    '/catalog/entries/:id/revise',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: 'Start a new version of a published entry / 发起变更',
        params: EntryParams,
        response: responses({ 200: EntrySchema }),
      },
    },
    async (request) => entryDto(await catalog.revise(db, actorOf(request), request.params.id)),
  );
  app.get(
    '/catalog/entries/:id/versions',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Version history / 版本历史',
        params: EntryParams,
        response: responses({ 200: VersionList }),
      },
    },
    async (request) => {
      const list = await catalog.versions(db, actorOf(request), request.params.id);
      const bases = await catalog.basesOf(
        db,
        list.map((v) => v.id),
      );
      return { items: list.map((v) => versionDto(v, bases)) };
    },
  );
  app.get(
    '/catalog/entries/:id/diff',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Field-by-field difference between two versions / 版本对比',
        params: EntryParams,
        querystring: DiffQuery,
        response: responses({ 200: DiffSchema }),
      },
    },
    async (request) => ({
      from: request.query.from,
      to: request.query.to,
      ...(await catalog.diff(db, actorOf(request), request.params.id, request.query.from, request.query.to)),
    }),
  );
  app.post(
    '/catalog/duplicate-check',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary:
          'Which published resources of other departments already hold these data items (Art. 14) / 重复采集检查',
        body: DuplicateCheckBody,
        response: responses({ 200: DuplicateList }),
      },
    },
    async (request) => {
      const p = request.principal;
      if (!p || p.kind === 'public') throw new ForbiddenError();
      const rows = await catalog.findDuplicates(db, p.org.id, request.body.dataItems);
      return {
        items: rows.map((r) => ({
          concept: r.concept,
          label: r.label,
          entryId: r.entry_id,
          code: r.code,
          name: r.name,
          orgId: r.org_id,
          orgName: r.org_name,
        })),
      };
    },
  );
  app.get(
    '/catalog/review-queue',
    {
      config: { policy: 'reviewer' },
      schema: {
        tags,
        summary: 'Entries waiting for your review / 待审核目录',
        response: responses({ 200: ReviewQueue }),
      },
    },
    async (request) => ({
      items: (await catalog.reviewQueue(db, actorOf(request))).map((r) => ({
        entryId: r.entry_id,
        code: r.code,
        versionNo: r.version_no,
        name: r.name,
        orgId: r.org_id,
        orgName: r.org_name,
        submittedAt: iso(r.submitted_at),
        submittedBy: r.submitted_by_name,
        duplicateJustification: r.duplicate_justification,
      })),
    }),
  );

  // ---------- the open catalog (public) ----------
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
        await catalog.search(db, { ...filter, openCatalogOnly: true }, page, pageSize),
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
        response: responses({ 200: OpenEntrySchema }),
      },
    },
    async (request) => {
      const { entry, version, metadata: m, openType, bases } = await catalog.openEntry(db, request.params.id);
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
      items: (await catalog.restrictedOpen(db)).map((r) => {
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

  // ---------- inbox ----------
  app.get(
    '/notifications',
    {
      config: { policy: 'staffPerson' },
      schema: {
        tags: ['notifications'],
        summary: 'Your inbox / 消息',
        querystring: InboxQuery,
        response: responses({ 200: Inbox }),
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new ForbiddenError();
      const { items, unread } = await inbox(db, p, request.query.unread ?? false, request.query.limit ?? 50);
      return {
        unread,
        items: items.map((n) => ({
          id: n.id,
          kind: n.kind,
          title: { zh: n.title_zh, en: n.title_en },
          link: n.link,
          detail: n.detail,
          createdAt: n.created_at.toISOString(),
          read: n.read_at !== null,
        })),
      };
    },
  );
  app.post(
    '/notifications/:id/read',
    {
      config: { policy: 'staffPerson' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark read / 标记已读',
        params: IdParams,
        response: responses({ 204: Type.Unsafe<void>({ type: 'null' }) }),
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new ForbiddenError();
      if (!(await markRead(db, p, request.params.id)))
        throw new NotFoundError({ zh: '消息', en: 'Notification' });
      return reply.code(204).send();
    },
  );
};
