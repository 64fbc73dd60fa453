/**
 * Resumable uploads over the tus protocol (https://tus.io, v1.0.0: creation, termination) at
 * `/api/provision/uploads`, backed by @tus/server with a file store under `<dataDir>/uploads`, and
 * what a completed upload is for: a preview with the automatic column mapping, and the ingest into a
 * new version (a plain JSON answer, or NDJSON progress lines and the result when asked for).
 * Every tus request is authorised here before the tus server sees it.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FileStore } from '@tus/file-store';
import { Metadata, Server as TusServer, type Upload } from '@tus/server';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import { problem } from '../../../plugins/error-handler.ts';
import { AppError, invalidField } from '../../../shared/errors.ts';
import { fileNameProblem } from '../../../shared/file-name.ts';
import { responses } from '../../../shared/schemas.ts';
import { SOURCE_ENCODINGS } from '@huitong/contract/values';
import { SOURCE_FORMATS } from '../../../formats/index.ts';
import { accepted, type IngestResult } from '../versions/ingest.ts';
import {
  EntryUploadParams,
  IngestOutcome,
  IngestUploadBody,
  ReadQuery,
  UploadParams,
  UploadPreview,
  type IngestProgressLine,
} from '@huitong/contract/provision';
import { assertProvider, loadEntry, type ProvisionEntry } from '../provision.service.ts';
import {
  insertSession,
  ownedSession,
  ownerOf,
  removeSession,
  touchSession,
  type UploadSession,
} from './upload-sessions.ts';
import { UploadBusy, UploadIncomplete, ingestUpload, previewUpload } from './uploads.service.ts';
import { UploadTooLarge } from '../receive-body.ts';

export const TUS_PATH = '/api/provision/uploads';

const badUpload = (zh: string, en: string) => new AppError('upload_invalid', 400, { zh, en });

/** An answer of the tus server that is an error, as problem+json. */
class TusRefusal extends AppError {
  constructor(status: number, text: string) {
    const t = text.trim() || String(status);
    super(`upload_protocol_${status}`, status, {
      zh: `上传请求被拒绝：${t}`,
      en: `The upload request was refused: ${t}`,
    });
  }
}

interface CreateContext {
  entry: ProvisionEntry;
  owner: string;
  fileName: string;
  format: string | null;
  encoding: string | null;
}

/** Reads the tus `Upload-Metadata` of a new upload: entryId, filename, and for data files format, encoding. */
function parseMetadata(header: string | undefined) {
  let meta: Record<string, string | null>;
  try {
    meta = Metadata.parse(header);
  } catch {
    throw badUpload('Upload-Metadata 格式不正确', 'Upload-Metadata is malformed');
  }
  const entryId = meta.entryId ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(entryId))
    throw badUpload(
      '上传须在 Upload-Metadata 中给出目录条目 entryId',
      'Upload-Metadata must name the catalog entry (entryId)',
    );
  const givenName = meta.filename ?? meta.name ?? '';
  if (givenName === '')
    throw badUpload(
      '上传须在 Upload-Metadata 中给出文件名 filename（不超过 255 个字符）',
      'Upload-Metadata must give the file name (filename, at most 255 characters)',
    );
  // The one file-name rule (shared/file-name.ts): checked, not repaired — no path is stripped.
  const nameProblem = fileNameProblem(givenName);
  if (nameProblem)
    throw new AppError(
      'upload_invalid',
      400,
      { zh: `文件名 filename ${nameProblem.zh}`, en: `The file name (filename) ${nameProblem.en}` },
      [{ field: 'fileName', message: nameProblem }],
    );
  const fileName = givenName.normalize('NFC');
  const format = meta.format ?? null;
  if (format !== null && !(SOURCE_FORMATS as readonly string[]).includes(format))
    throw badUpload(
      `format 须为 ${SOURCE_FORMATS.join('、')} 之一`,
      `format must be one of ${SOURCE_FORMATS.join(', ')}`,
    );
  const encoding = meta.encoding ?? null;
  if (encoding !== null && !(SOURCE_ENCODINGS as readonly string[]).includes(encoding))
    throw badUpload(
      `encoding 须为 ${SOURCE_ENCODINGS.join('、')} 之一`,
      `encoding must be one of ${SOURCE_ENCODINGS.join(', ')}`,
    );
  return { entryId, fileName, format, encoding };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'expect']);

/** The Fastify request as a fetch Request for the tus server (the body streamed, not buffered). */
function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of [value].flat()) headers.append(name, v);
  }
  const body = request.body instanceof Readable ? request.body : null;
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers };
  if (body && (request.method === 'PATCH' || request.method === 'POST')) {
    init.body = Readable.toWeb(body) as unknown as ReadableStream;
    init.duplex = 'half';
  }
  return new Request(new URL(request.url, 'http://huitong.invalid'), init);
}

export const uploadsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['data provision'];
  const db = app.db;
  const handle = app.database;
  const directory = path.join(app.config.dataDir, 'uploads');
  const limit = app.config.uploadLimit;
  const creating = new WeakMap<Request, CreateContext>();
  let tus: TusServer | undefined;
  // The store (and its directory) is made on first use, not when the app is built.
  const server = () =>
    (tus ??= new TusServer({
      path: TUS_PATH,
      datastore: new FileStore({ directory }),
      relativeLocation: true,
      maxSize: limit,
      namingFunction: () => randomUUID(),
      onUploadCreate: async (req: Request, upload: Upload) => {
        const ctx = creating.get(req);
        if (!ctx)
          throw Object.assign(new Error('no authorised creation'), { status_code: 403, body: 'Forbidden\n' });
        await insertSession(db, {
          id: upload.id,
          entry: ctx.entry,
          owner: ctx.owner,
          fileName: ctx.fileName,
          byteCount: upload.size ?? 0,
          format: ctx.format,
          encoding: ctx.encoding,
          filePath: path.join(directory, upload.id),
        });
        return {};
      },
    }));

  /** Hands the request to the tus server and its answer back to Fastify. */
  const passOn = async (req: Request) => {
    const res = await server().handleWeb(req);
    const text = await res.text();
    if (res.status >= 400) throw new TusRefusal(res.status, text);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'connection') headers[k] = v;
    });
    return { status: res.status, headers, body: text };
  };

  const tusRoutes: FastifyPluginAsyncTypebox = async (r) => {
    // The bytes of a PATCH are streamed into the store as they arrive.
    r.removeAllContentTypeParsers();
    r.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const owned = (request: FastifyRequest, uploadId: string) =>
      ownedSession(db, actorOf(request), uploadId, (id) => loadEntry(db, id));

    r.post(
      '/provision/uploads',
      {
        config: { policy: 'provider' },
        bodyLimit: limit,
        schema: {
          tags,
          summary: 'Start a resumable upload (tus creation) / 开始可续传上传',
          description:
            'tus 1.0.0 creation: `Tus-Resumable: 1.0.0`, `Upload-Length` (at most the upload limit, else 413) and `Upload-Metadata` with `entryId`, `filename` and, for data files, `format` and `encoding` (values base64). Answers 201 with the upload’s `Location`. Only the creator may continue it.',
        },
      },
      async (request, reply) => {
        const length = request.headers['upload-length'];
        if (request.headers['upload-defer-length'] !== undefined)
          throw badUpload(
            '不支持延后声明长度（Upload-Defer-Length）',
            'Deferred length (Upload-Defer-Length) is not supported',
          );
        if (typeof length !== 'string' || !/^\d{1,15}$/.test(length))
          throw badUpload(
            '须以 Upload-Length 给出文件大小（字节）',
            'Upload-Length must give the file size in bytes',
          );
        const size = Number(length);
        if (size > limit) {
          reply.header('connection', 'close');
          throw new UploadTooLarge(limit);
        }
        if (size === 0) throw badUpload('文件为空', 'The file is empty');
        const meta = parseMetadata(request.headers['upload-metadata'] as string | undefined);
        const entry = await loadEntry(db, meta.entryId);
        const actor = actorOf(request);
        assertProvider(actor, entry);
        const req = webRequest(request);
        creating.set(req, {
          entry,
          owner: ownerOf(actor),
          fileName: meta.fileName,
          format: meta.format,
          encoding: meta.encoding,
        });
        const res = await passOn(req);
        return reply.code(res.status).headers(res.headers).send(res.body);
      },
    );

    r.route({
      method: 'HEAD',
      url: '/provision/uploads/:uploadId',
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Offset of a resumable upload (tus) / 查询上传进度',
        params: UploadParams,
      },
      handler: async (request, reply) => {
        await owned(request, request.params.uploadId);
        const res = await passOn(webRequest(request));
        return reply.code(res.status).headers(res.headers).send();
      },
    });

    r.patch(
      '/provision/uploads/:uploadId',
      {
        config: { policy: 'provider' },
        bodyLimit: limit,
        schema: {
          tags,
          summary: 'Send the next bytes of a resumable upload (tus) / 续传',
          description:
            '`Content-Type: application/offset+octet-stream`, `Upload-Offset` equal to the server’s offset (HEAD). Answers 204 with the new `Upload-Offset`.',
          params: UploadParams,
        },
      },
      async (request, reply) => {
        await owned(request, request.params.uploadId);
        const res = await passOn(webRequest(request));
        await touchSession(db, request.params.uploadId);
        return reply.code(res.status).headers(res.headers).send();
      },
    );

    r.delete(
      '/provision/uploads/:uploadId',
      {
        config: { policy: 'provider' },
        schema: {
          tags,
          summary: 'Cancel a resumable upload and delete its bytes (tus termination) / 取消上传',
          params: UploadParams,
        },
      },
      async (request, reply) => {
        const { session } = await owned(request, request.params.uploadId);
        if (session.state === 'ingesting') throw new UploadBusy();
        const res = await passOn(webRequest(request));
        await removeSession(db, session);
        return reply.code(res.status).headers(res.headers).send();
      },
    );
  };
  await app.register(tusRoutes);

  const ownedFor = async (request: FastifyRequest, entryId: string, uploadId: string) =>
    ownedSession(db, actorOf(request), uploadId, (id) => loadEntry(db, id), entryId);

  const completed = async (session: UploadSession) => {
    const upload = await server()
      .datastore.getUpload(session.id)
      .catch(() => null);
    const offset = upload?.offset ?? 0;
    if (offset !== session.byteCount) throw new UploadIncomplete(offset, session.byteCount);
  };

  app.get(
    '/provision/entries/:id/uploads/:uploadId/preview',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary:
          'Preview a completed upload: format, sheets, header, first rows, column mapping / 预览上传的文件',
        description:
          'Reads the header and the first 20 rows; `format`, `encoding`, `delimiter`, `sheet` as for the ingest (detected when absent). `mapping.matches` pairs each data item with the header of the same name or Chinese label; `missingRequired` lists required items without a column.',
        params: EntryUploadParams,
        querystring: ReadQuery,
        response: responses({ 200: UploadPreview }),
      },
    },
    async (request) => {
      const { session, entry } = await ownedFor(request, request.params.id, request.params.uploadId);
      await completed(session);
      await touchSession(db, session.id);
      return previewUpload(entry, session, request.query);
    },
  );

  app.post(
    '/provision/entries/:id/uploads/:uploadId/ingest',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Ingest a completed upload as a new version / 将上传的文件入库',
        description:
          'Answers as the one-shot upload: 201 with the outcome when published, 422 with the report when refused. The upload is removed once published; after a refusal it stays, so another `mapping`, `encoding` or `sheet` can be tried without sending the file again. With `Accept: application/x-ndjson` the answer (200) streams lines `{"type":"progress","rows","bytes","totalBytes"}` while the rows are read, then `{"type":"result","status","outcome"}` or `{"type":"error","status","problem"}`.',
        params: EntryUploadParams,
        body: IngestUploadBody,
        response: responses({
          200: Type.Unsafe<Readable>({
            type: 'string',
            description: 'With Accept: application/x-ndjson: progress lines, then the result line',
          }),
          201: IngestOutcome,
          422: IngestOutcome,
        }),
      },
    },
    async (request, reply) => {
      const { session, entry } = await ownedFor(request, request.params.id, request.params.uploadId);
      await completed(session);
      const { mapping, errorPolicy, ...read } = request.body;
      const mappingProblems = Object.entries(mapping ?? {}).filter(
        ([, item]) => !entry.items.some((i) => i.name === item),
      );
      if (mappingProblems.length > 0)
        throw invalidField(
          'mapping',
          `没有信息项 ${mappingProblems.map(([, n]) => n).join('、')}`,
          `no data item ${mappingProblems.map(([, n]) => n).join(', ')}`,
        );
      const run = (extra: {
        signal?: AbortSignal;
        onProgress?: (p: { rows: number; bytes: number }) => void;
      }) =>
        ingestUpload(handle, actorOf(request), entry, session, {
          ...read,
          ...(mapping ? { mapping } : {}),
          ...(errorPolicy ? { errorPolicy } : {}),
          ...extra,
        });
      const statusOf = (r: IngestResult) => (accepted(r) ? 201 : 422);
      const accept = request.headers.accept ?? '';
      if (!accept.includes('application/x-ndjson')) {
        const result = await run({});
        return reply.code(statusOf(result)).send(result);
      }
      // Progress as it happens: one JSON line per thousand rows, then the result.
      const out = new PassThrough();
      const line = (o: IngestProgressLine) => out.write(`${JSON.stringify(o)}\n`);
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      line({ type: 'progress', rows: 0, bytes: 0, totalBytes: session.byteCount });
      void run({
        signal: abort.signal,
        onProgress: (p) =>
          line({ type: 'progress', rows: p.rows, bytes: p.bytes, totalBytes: session.byteCount }),
      })
        .then(
          (result) => line({ type: 'result', status: statusOf(result), outcome: result }),
          (err: unknown) => {
            if (err instanceof AppError)
              line({ type: 'error', status: err.status, problem: problem(err, request.id) });
            else {
              request.log.error({ err }, 'ingest of an upload failed');
              line({
                type: 'error',
                status: 500,
                problem: problem(
                  new AppError('internal', 500, { zh: '服务器内部错误', en: 'Internal server error' }),
                  request.id,
                ),
              });
            }
          },
        )
        .finally(() => out.end());
      return reply
        .code(200)
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(out);
    },
  );
};
