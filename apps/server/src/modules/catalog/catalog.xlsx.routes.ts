import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../plugins/auth.ts';
import { AppError } from '../../shared/errors.ts';
import { problemRef, responses } from '../../shared/schemas.ts';
import { SearchQuery, XlsxImportResult, XlsxProblem } from '@huitong/contract/catalog';
import {
  EXPORT_CAP,
  XLSX_LIMITS,
  beijingDate,
  exportXlsx,
  importXlsx,
  templateXlsx,
} from './catalog.xlsx.ts';
import { XLSX_MIME, contentDisposition } from '../../shared/download.ts';

const XlsxFile = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'An Excel workbook (.xlsx) in the layout of the import template',
});
/** A 200 answer that is an .xlsx file (errors stay problem+json). */
const xlsxResponses = () => ({
  ...responses({}),
  200: {
    description: 'An Excel workbook (.xlsx) in the layout of the import template',
    content: { [XLSX_MIME]: { schema: XlsxFile } },
  },
});

const ACCEPTED = [XLSX_MIME, 'application/octet-stream'];

class UnsupportedUpload extends AppError {
  constructor() {
    super('unsupported_media_type', 415, {
      zh: `请直接上传 .xlsx 文件的内容，Content-Type 为 ${XLSX_MIME}（不支持 multipart/form-data）`,
      en: `Send the .xlsx file itself as the body, with Content-Type ${XLSX_MIME} (multipart/form-data is not supported)`,
    });
  }
}

/** Excel import and export of catalog entries: template, import as drafts, export of published entries. */
export const catalogXlsxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;
  const tags = ['catalog'];

  // Uploads reach the handler as bytes, whatever their declared type: the handler then refuses
  // anything but an .xlsx body with a clear message. JSON keeps its own parser.
  for (const type of [...ACCEPTED, '*']) {
    app.addContentTypeParser(
      type,
      { parseAs: 'buffer', bodyLimit: XLSX_LIMITS.bodyBytes },
      (_request, body, done) => done(null, body),
    );
  }

  app.get(
    '/catalog/xlsx/template',
    {
      config: { policy: 'cataloguer' },
      schema: {
        tags,
        summary: 'The Excel template for importing catalog entries / 目录导入模板',
        response: xlsxResponses(),
      },
    },
    async (_request, reply) => {
      const file = await templateXlsx(db);
      return reply
        .type(XLSX_MIME)
        .header(
          'content-disposition',
          contentDisposition('政务信息资源目录导入模板.xlsx', 'catalog-template.xlsx'),
        )
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.post(
    '/catalog/xlsx/import',
    {
      config: { policy: 'cataloguer' },
      bodyLimit: XLSX_LIMITS.bodyBytes,
      schema: {
        tags,
        summary:
          'Import entries from an .xlsx file as drafts of your organisation, all or nothing / 从 Excel 导入目录草稿',
        description: `The body is the .xlsx file itself (Content-Type ${XLSX_MIME}), at most ${XLSX_LIMITS.bodyBytes / 1024 / 1024} MB. Every row is checked first; any error answers 400 xlsx_invalid listing each error with sheet, row and column, and nothing is imported.`,
        consumes: ACCEPTED,
        response: {
          ...responses({ 201: XlsxImportResult }),
          400: XlsxProblem,
          413: problemRef,
          415: problemRef,
        },
      },
    },
    async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!ACCEPTED.includes(type) || !Buffer.isBuffer(request.body)) throw new UnsupportedUpload();
      const result = await importXlsx(db, actorOf(request), request.body);
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/catalog/xlsx/export',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: `Export the published entries matching the search (at most ${EXPORT_CAP}) in the template layout / 导出目录`,
        description:
          'Takes the filters of GET /catalog/entries; page and pageSize are ignored (every page is exported). Header x-total-count gives the number of matching entries; when it exceeds the number exported, the file says so in 填写说明.',
        querystring: SearchQuery,
        response: xlsxResponses(),
      },
    },
    async (request, reply) => {
      const { page: _page, pageSize: _pageSize, ...filter } = request.query;
      const { buffer, total, exported } = await exportXlsx(db, filter);
      const date = beijingDate();
      return reply
        .type(XLSX_MIME)
        .header(
          'content-disposition',
          contentDisposition(`政务信息资源目录-${date}.xlsx`, `catalog-${date}.xlsx`),
        )
        .header('cache-control', 'no-store')
        .header('x-total-count', String(total))
        .header('x-exported-count', String(exported))
        .send(buffer);
    },
  );
};
