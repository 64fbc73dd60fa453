import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../plugins/auth.ts';
import { StringEnum, Uuid, problemRef, responses } from '../../shared/schemas.ts';
import {
  EXPORT_ENCODINGS,
  EXPORT_FORMATS,
  ExportSlots,
  HEADER_KINDS,
  prepareExport,
  tooManyExports,
} from './export.ts';
import * as provision from './provision.service.ts';
import { contentDisposition } from '../../shared/download.ts';

const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });

const ExportQuery = Type.Object(
  {
    format: StringEnum(EXPORT_FORMATS),
    encoding: Type.Optional(
      StringEnum(EXPORT_ENCODINGS, {
        description: 'CSV only: utf-8 (default, with BOM so that Excel reads Chinese), gbk or gb18030',
      }),
    ),
    version: Type.Optional(
      Type.String({
        pattern: '^([0-9]{1,9}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        description: 'A ready version, by number or id; default the current version',
      }),
    ),
    fields: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Data items by name, comma-separated; default all' }),
    ),
    header: Type.Optional(
      StringEnum(HEADER_KINDS, {
        description: 'CSV and XLSX header row: data item names (default) or their Chinese labels',
      }),
    ),
  },
  { additionalProperties: false },
);

const FileBody = Type.Unsafe<Readable>({
  type: 'string',
  format: 'binary',
  description: 'The file, streamed',
});

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const handle = app.database;
  const slots = new ExportSlots(4);

  app.get(
    '/provision/entries/:id/export',
    {
      config: { policy: 'staff' },
      schema: {
        tags: ['data provision'],
        summary: 'Download a version of the entry’s data as CSV, XLSX, JSON or GeoJSON / 导出资源数据',
        description:
          'Streams the current version (or `version`, a ready version number or id) with the chosen `fields`, in row order, in constant memory. CSV: RFC 4180 quoting, LF line ends, UTF-8 with BOM, GBK or GB18030 (a value GBK cannot encode answers 422 before anything is sent). XLSX: typed cells (numbers, dates, booleans; identifiers as text). JSON: an array of objects keyed by data item name. GeoJSON: a FeatureCollection, only for data with a geometry item. The file name is the entry name and version (`filename*`, with an ASCII fallback). At most 4 exports stream at a time per server (429 beyond). Every export is audited.',
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
        },
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(app.db, request.params.id);
      if (!slots.take()) {
        provision.assertInsider(actorOf(request), entry);
        reply.header('retry-after', '10');
        throw tooManyExports();
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
        slots.give();
        throw err;
      }
      if (!stream) {
        slots.give();
        return reply.send(Readable.from([]));
      }
      // The slot is given back when the stream ends, fails or is destroyed by an aborted request.
      stream.once('close', () => slots.give());
      return reply.send(stream);
    },
  );
};
