import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import { responses } from '../../shared/schemas.ts';
import { accepted, type IngestResult } from './versions/ingest.ts';
import {
  CompareQuery,
  DataRows,
  DataVersionList,
  EntryParams,
  FileUploadQuery,
  IdempotencyHeaders,
  IngestOutcome,
  OptionalIdempotencyHeaders,
  ProvisionSettings,
  ProvisionSettingsBody,
  RetentionSettings,
  PushRowsBody,
  RowsQuery,
  VersionComparison,
  VersionParams,
} from '@huitong/contract/provision';
import { fileOptionsOf } from './file-options.ts';
import * as provision from './provision.service.ts';
import * as retention from './versions/retention.ts';
import { receiveToFile } from './receive-body.ts';
import { makeTempDir } from './temp-files.ts';

const outcome = (r: IngestResult, replayed?: boolean) => ({ ...r, ...(replayed ? { replayed } : {}) });
/**
 * 201 when the run was recorded — a new current version (`ready`) or the current version's rows
 * again (`unchanged`, no new version) — 200 for a replay; 422 with the report when the data were refused.
 */
const statusOf = (r: IngestResult, replayed = false) => (accepted(r) ? (replayed ? 200 : 201) : 422);
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const provisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['data provision'];
  const handle = app.database;
  const db = app.db;

  app.get(
    '/provision/retention',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'The city’s default retention of data versions / 数据版本保留规则（全市默认）',
        description:
          'Besides the current version, every entry keeps its last `keepVersions` versions and every version younger than `keepDays` days, unless its own settings say otherwise; a daily job retires the others (their rows removed, their record kept).',
        response: responses({ 200: RetentionSettings }),
      },
    },
    async () => retention.cityRetention(db),
  );
  app.put(
    '/provision/retention',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'Set the city’s default retention of data versions / 设置数据版本保留规则',
        body: RetentionSettings,
        response: responses({ 200: RetentionSettings }),
      },
    },
    async (request) => retention.updateCityRetention(db, actorOf(request), request.body),
  );

  app.get(
    '/provision/entries/:id/settings',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'Provision settings of an entry / 数据提供设置',
        params: EntryParams,
        response: responses({ 200: ProvisionSettings }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      provision.assertViewer(actorOf(request), entry);
      return {
        ...(await provision.settingsOf(db, entry.id)),
        actions: provision.dataActionsOf(actorOf(request), entry),
      };
    },
  );
  app.put(
    '/provision/entries/:id/settings',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Set the error policy, enumerations and key fields / 修改数据提供设置',
        params: EntryParams,
        body: ProvisionSettingsBody,
        response: responses({ 200: ProvisionSettings }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const settings = await provision.updateSettings(db, actorOf(request), entry, request.body);
      return { ...settings, actions: provision.dataActionsOf(actorOf(request), entry) };
    },
  );

  app.get(
    '/provision/entries/:id/versions',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'Versions of the entry’s data / 数据版本',
        params: EntryParams,
        response: responses({ 200: DataVersionList }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const { currentVersionId, versions } = await provision.listVersions(db, actorOf(request), entry);
      return {
        items: versions.map((v) => ({
          id: v.id,
          versionNo: v.version_no,
          state: v.state,
          current: v.id === currentVersionId,
          kind: v.kind,
          source: v.source,
          format: v.format,
          encoding: v.encoding,
          fileName: v.file_name,
          rowCount: v.row_count === null ? null : Number(v.row_count),
          excludedRowCount: v.excluded_row_count === null ? null : Number(v.excluded_row_count),
          byteCount: v.byte_count === null ? null : Number(v.byte_count),
          sm3: v.sm3,
          basedOn: v.based_on,
          sameAsVersionNo: v.same_as_version_no,
          retiredAt: iso(v.retired_at),
          createdBy: v.created_by_name,
          createdAt: v.created_at.toISOString(),
          completedAt: iso(v.completed_at),
          error: (v.error_message ?? null) as { zh: string; en: string } | null,
        })),
      };
    },
  );
  app.get(
    '/provision/entries/:id/versions/:versionId',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'One version with its validation report / 数据版本详情',
        params: VersionParams,
        response: responses({ 200: IngestOutcome }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      return provision.resultOf(
        await provision.getVersion(db, actorOf(request), entry, request.params.versionId),
      );
    },
  );
  app.post(
    '/provision/entries/:id/versions/:versionId/restore',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Make an earlier version current again, as a new version / 恢复历史版本',
        params: VersionParams,
        response: responses({ 201: IngestOutcome }),
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const result = await provision.restoreVersion(
        handle,
        actorOf(request),
        entry,
        request.params.versionId,
      );
      return reply.code(201).send(outcome(result));
    },
  );

  app.get(
    '/provision/entries/:id/rows',
    {
      config: { policy: 'dataReader' },
      schema: {
        tags,
        summary: 'Read the entry’s data: paged, with fields, filters and sorting / 查询资源数据',
        description:
          'The current version, or `version` (a ready version number). `fields=a,b` picks data items; `sort=a` or `sort=-a`; `filter=a=value` (equals) or `filter=a~value` (contains), repeatable. Values come as text. The department’s data providers and approvers read everything (`access: full`); reviewers of its supervising authority read for the quality watch with the items of sensitivity 3 and 4 masked (`access: masked`, `masked: true` on those fields; filtering or sorting on them is refused with 403 `masked_item`). Everyone else is refused.',
        params: EntryParams,
        querystring: RowsQuery,
        response: responses({ 200: DataRows }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const { version, page = 1, pageSize = 50, fields, sort, filter, after } = request.query;
      return provision.readData(db, actorOf(request), entry, {
        ...(version ? { versionNo: version } : {}),
        ...(after !== undefined ? { after } : {}),
        page,
        pageSize,
        ...(fields ? { fields } : {}),
        ...(sort ? { sort } : {}),
        ...(filter ? { filter: Array.isArray(filter) ? filter : [filter] } : {}),
      });
    },
  );

  app.get(
    '/provision/entries/:id/compare',
    {
      config: { policy: 'dataReader' },
      schema: {
        tags,
        summary: 'Compare two versions: row counts, fields, rows added/removed/changed by key / 版本比较',
        params: EntryParams,
        querystring: CompareQuery,
        response: responses({ 200: VersionComparison }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      return provision.compare(db, actorOf(request), entry, request.query.from, request.query.to);
    },
  );

  app.post(
    '/provision/entries/:id/push',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Push rows from a department’s system as a new version / 系统推送数据',
        description:
          'Rows are objects keyed by data item name; all of them form one new version, validated under the entry’s error policy. The `Idempotency-Key` header is required: a retry with the same key answers the first outcome (`replayed: true`) and creates nothing.',
        params: EntryParams,
        headers: IdempotencyHeaders,
        body: PushRowsBody,
        response: responses({ 200: IngestOutcome, 201: IngestOutcome, 422: IngestOutcome }),
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const { result, replayed } = await provision.pushRows(
        handle,
        actorOf(request),
        entry,
        request.body.rows,
        request.headers['idempotency-key'],
      );
      return reply.code(statusOf(result, replayed)).send(outcome(result, replayed));
    },
  );

  const uploadRoutes: FastifyPluginAsyncTypebox = async (uploads) => {
    // Uploads are streamed to disk as they arrive, whatever their type (JSON included).
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    uploads.post(
      '/provision/entries/:id/upload',
      {
        config: { policy: 'provider' },
        bodyLimit: app.config.uploadLimit,
        schema: {
          tags,
          summary: 'Upload a file (CSV, XLSX, JSON, NDJSON, GeoJSON) as a new version / 上传数据文件',
          description:
            'The body is the file itself (any Content-Type), streamed to disk. Columns map to data items by name or Chinese label, or by `mapping`. Answers the outcome with the validation report; a file that cannot be read answers 400 naming the row and column.',
          params: EntryParams,
          querystring: FileUploadQuery,
          headers: OptionalIdempotencyHeaders,
          response: responses({ 201: IngestOutcome, 422: IngestOutcome }),
        },
      },
      async (request, reply) => {
        const entry = await provision.loadEntry(db, request.params.id);
        provision.assertProvider(actorOf(request), entry);
        const options = fileOptionsOf(request.query);
        const dir = await makeTempDir(app.config.dataDir, 'upload');
        const file = path.join(dir, 'upload');
        try {
          // The SM3 is computed as the file arrives (the event loop mostly waits for the network
          // then), not by a second pass over the file competing with the parsing for the CPU.
          const received = await receiveToFile(request.body as NodeJS.ReadableStream, reply, file, {
            limit: app.config.uploadLimit,
            digest: true,
          });
          const result = await provision.uploadFile(handle, actorOf(request), entry, file, {
            ...options,
            idempotencyKey: request.headers['idempotency-key'] ?? null,
            ...(received.sm3 === null ? {} : { digest: { sm3: received.sm3, bytes: received.bytes } }),
          });
          return reply.code(accepted(result) ? 201 : 422).send(outcome(result));
        } finally {
          await fs.promises.rm(dir, { recursive: true, force: true });
        }
      },
    );
  };
  await app.register(uploadRoutes);
};
