import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import { IdParams, responses } from '../../shared/schemas.ts';
import { basisDto, entryDto, iso, searchDto, versionDto } from './catalog.dto.ts';
import * as catalog from './catalog.service.ts';
import {
  CreateLegalBasisBody,
  DiffQuery,
  DuplicateCheckBody,
  DuplicateList,
  Entry,
  EntryMetadata,
  EntryParams,
  LegalBasesQuery,
  LegalBasis,
  LegalBasisList,
  OwnEntries,
  ReviewBody,
  ReviewQueue,
  SearchQuery,
  SearchResult,
  SubmitBody,
  UpdateLegalBasisBody,
  VersionDiff,
  VersionList,
} from '@huitong/contract/catalog';

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
        querystring: LegalBasesQuery,
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
        response: responses({ 201: LegalBasis }),
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
        response: responses({ 200: LegalBasis }),
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
        body: EntryMetadata,
        response: responses({ 201: Entry }),
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
        response: responses({ 200: Entry }),
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
        body: EntryMetadata,
        response: responses({ 200: Entry }),
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
        response: responses({ 200: Entry }),
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
        response: responses({ 200: Entry }),
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
        response: responses({ 200: Entry }),
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
        response: responses({ 200: VersionDiff }),
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
};
