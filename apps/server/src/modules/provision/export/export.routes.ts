import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import { EntryParams, ExportQuery } from '@huitong/contract/provision';
import { problemRef, responses } from '../../../shared/schemas.ts';
import { prepareExport } from './export.ts';
import {
  EXPORT_RETRY_AFTER_SECONDS,
  ExportLimiter,
  endWhenStalled,
  tooManyExports,
} from './export-limits.ts';
import * as provision from '../provision.service.ts';
import { contentDisposition } from '../../../shared/download.ts';

const FileBody = Type.Unsafe<Readable>({
  type: 'string',
  format: 'binary',
  description: 'The file, streamed',
});

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const handle = app.database;
  const { exportsMax, exportsPerOrg, exportsPerUser, exportIdleSeconds } = app.config;
  const limiter = new ExportLimiter({ total: exportsMax, perOrg: exportsPerOrg, perUser: exportsPerUser });

  app.get(
    '/provision/entries/:id/export',
    {
      config: { policy: 'dataExporter' },
      schema: {
        tags: ['data provision'],
        summary: 'Download a version of the entry’s data as CSV, XLSX, JSON or GeoJSON / 导出资源数据',
        description:
          "Streams the current version (or `version`, a ready version number or id) with the chosen `fields`, in row order, in constant memory. CSV: RFC 4180 quoting, LF line ends, UTF-8 with BOM, GBK or GB18030 (a value GBK cannot encode answers 422 before anything is sent); `variant=spreadsheet` (default) puts a `'` before text values a spreadsheet would run as formulas, `variant=machine` gives the data as stored. XLSX: typed cells (numbers, dates, booleans; identifiers and all other text as text, never formulas). JSON: an array of objects keyed by data item name. GeoJSON: a FeatureCollection, only for data with a geometry item. The file name is the entry name and version (`filename*`, with an ASCII fallback). Exports streaming at a time are limited per user or credential (HUITONG_EXPORTS_PER_USER, default 2) and per organisation (HUITONG_EXPORTS_PER_ORG, default 3): 429 `too_many_exports` beyond; and per server (HUITONG_EXPORTS_MAX, default 4): 503 — with `Retry-After` and `limit` naming which. A download whose client has read nothing for HUITONG_EXPORT_IDLE_SECONDS (default 60) is ended. Every export is audited.",
        params: EntryParams,
        querystring: ExportQuery,
        response: {
          ...responses({}),
          200: {
            description: 'The file',
            content: {
              'text/csv': { schema: FileBody },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: FileBody },
              'application/json': { schema: FileBody },
              'application/geo+json': { schema: FileBody },
            },
          },
          422: problemRef,
          503: problemRef,
        },
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(app.db, request.params.id);
      // Who may not see the entry learns nothing of the limits (404 first).
      const principal = provision.assertExporter(actorOf(request), entry);
      const slot = limiter.take(principal);
      if (!slot.ok) {
        reply.header('retry-after', String(EXPORT_RETRY_AFTER_SECONDS));
        throw tooManyExports(slot.limit, limiter.limits);
      }
      // HEAD (answered by this handler too) checks everything and answers the headers: nothing is
      // read, audited or held.
      const head = request.method === 'HEAD';
      let stream: Readable | null = null;
      try {
        const prepared = await prepareExport(handle, actorOf(request), entry, request.query, {
          audit: !head,
        });
        if (!head) stream = prepared.open();
        reply
          .type(prepared.contentType)
          .header('content-disposition', contentDisposition(prepared.fileName, prepared.asciiFileName))
          .header('cache-control', 'no-store')
          .header('x-data-version', String(prepared.versionNo))
          .header('x-row-count', String(prepared.rowCount));
      } catch (err) {
        slot.release();
        throw err;
      }
      if (!stream) {
        slot.release();
        return reply.send(Readable.from([]));
      }
      // The slot is given back when the stream ends, fails or is destroyed (an aborted request, or
      // a client that stopped reading: destroying the response destroys the stream).
      stream.once('close', slot.release);
      endWhenStalled(reply.raw, exportIdleSeconds * 1000, () =>
        request.log.info(
          { entryId: entry.id, idleSeconds: exportIdleSeconds },
          'export ended: the client read nothing for the idle time',
        ),
      );
      return reply.send(stream);
    },
  );
};
