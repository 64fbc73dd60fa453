import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import { Prose, Uuid, responses } from '../../../shared/schemas.ts';
import { MAX_FILES_PER_VERSION, createFilesVersion, listFiles, storedFile } from './files.ts';
import { loadEntry } from '../provision.service.ts';
import { ownedSession } from '../uploads/upload-sessions.ts';
import { contentDisposition } from '../../../shared/download.ts';

const StoredFile = Type.Object({
  position: Type.Integer({ minimum: 1 }),
  fileName: Type.String(),
  mediaType: Type.String({ description: 'Recognised from the content, else from the extension' }),
  byteCount: Type.Integer(),
  sm3: Type.String({ description: 'SM3 digest, hex' }),
});

const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const VersionParams = Type.Object({ id: Uuid, versionId: Uuid }, { additionalProperties: false });

/** File resources: versions made of files, their list and their download. */
export const filesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['data provision'];
  const db = app.db;
  const filesDir = path.join(app.config.dataDir, 'files');

  app.post(
    '/provision/entries/:id/files',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Make completed uploads a new files version (file resources) / 提交文件版本',
        description:
          'For an entry whose resource format is not structured (电子文件, 图形图像, 流媒体). `uploads` are completed resumable uploads of the caller, for this entry; in that order they become the files of a new version, current at once. The uploads are used up.',
        params: EntryParams,
        body: Type.Object(
          {
            uploads: Type.Array(Uuid, { minItems: 1, maxItems: MAX_FILES_PER_VERSION, uniqueItems: true }),
            note: Type.Optional(Prose({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: responses({
          201: Type.Object({
            versionId: Uuid,
            versionNo: Type.Integer(),
            state: Type.Literal('ready'),
            files: Type.Array(StoredFile),
          }),
        }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const entry = await loadEntry(db, request.params.id);
      const sessions = [];
      for (const id of request.body.uploads)
        sessions.push((await ownedSession(db, actor, id, async () => entry, entry.id)).session);
      const outcome = await createFilesVersion(
        app.database,
        actor,
        entry,
        sessions,
        filesDir,
        request.body.note ?? null,
      );
      return reply.code(201).send(outcome);
    },
  );

  app.get(
    '/provision/entries/:id/versions/:versionId/files',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'Files of a files version / 文件版本的文件',
        params: VersionParams,
        response: responses({
          200: Type.Object({ versionId: Uuid, versionNo: Type.Integer(), files: Type.Array(StoredFile) }),
        }),
      },
    },
    async (request) => {
      const entry = await loadEntry(db, request.params.id);
      return listFiles(db, actorOf(request), entry, request.params.versionId);
    },
  );

  app.get(
    '/provision/entries/:id/versions/:versionId/files/:position',
    {
      config: { policy: 'dataExporter' },
      schema: {
        tags,
        summary: 'Download one file of a files version / 下载文件',
        description:
          'Streams the file as stored, with its media type, `Content-Disposition: attachment` carrying the exact (e.g. Chinese) name as `filename*` (RFC 5987) and an ASCII fallback, and its SM3 digest in `X-Content-SM3`.',
        params: Type.Object(
          {
            id: Uuid,
            versionId: Uuid,
            position: Type.Integer({ minimum: 1, maximum: MAX_FILES_PER_VERSION }),
          },
          { additionalProperties: false },
        ),
        response: responses({
          200: Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file' }),
        }),
      },
    },
    async (request, reply) => {
      const entry = await loadEntry(db, request.params.id);
      const f = await storedFile(
        db,
        actorOf(request),
        entry,
        request.params.versionId,
        request.params.position,
        filesDir,
      );
      return reply
        .header('content-type', f.mediaType)
        .header('content-length', String(f.byteCount))
        .header('content-disposition', contentDisposition(f.fileName))
        .header('x-content-sm3', f.sm3)
        .header('cache-control', 'private, no-store')
        .send(fs.createReadStream(f.path));
    },
  );
};
