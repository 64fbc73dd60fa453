import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import {
  CreateFilesVersionBody,
  CreatedFilesVersion,
  EntryParams,
  FileParams,
  FilesOfVersion,
  VersionParams,
} from '@huitong/contract/provision';
import { responses } from '../../../shared/schemas.ts';
import { createFilesVersion, listFiles, storedFile } from './files.ts';
import { loadEntry } from '../provision.service.ts';
import { ownedSession } from '../uploads/upload-sessions.ts';
import { contentDisposition } from '../../../shared/download.ts';

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
        body: CreateFilesVersionBody,
        response: responses({ 201: CreatedFilesVersion }),
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
        response: responses({ 200: FilesOfVersion }),
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
        params: FileParams,
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
