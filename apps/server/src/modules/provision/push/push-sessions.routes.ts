/**
 * HTTP routes of push sessions (see push-sessions.ts): create, batches of rows (JSON array or
 * NDJSON, streamed to disk first), or the whole file, commit, cancel, state. For departments'
 * systems with their organisation's API credential (or the department's providers).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import { AppError } from '../../../shared/errors.ts';
import { responses } from '../../../shared/schemas.ts';
import { accepted, type IngestResult } from '../versions/ingest.ts';
import {
  EntryParams,
  FileUploadQuery,
  IdempotencyHeaders,
  PushBatchAnswer,
  PushBatchHeaders,
  PushCommitBody,
  PushCommitOutcome,
  PushFileAnswer,
  PushProblem,
  PushSession,
  PushSessionBody,
  VersionParams,
} from '@huitong/contract/provision';
import { fileOptionsOf } from '../file-options.ts';
import * as provision from '../provision.service.ts';
import * as push from './push-sessions.ts';
import { receiveToFile } from '../receive-body.ts';
import { makeTempDir } from '../temp-files.ts';

const pushResponses = <T extends Record<number, TSchema>>(ok: T) => ({
  ...responses(ok),
  404: PushProblem,
  409: PushProblem,
  413: PushProblem,
  415: PushProblem,
});

const outcome = (r: IngestResult) => ({
  versionId: r.versionId,
  versionNo: r.versionNo,
  state: r.state,
  ...(r.sameAs ? { sameAs: r.sameAs } : {}),
  rowCount: r.rowCount,
  excludedRowCount: r.excludedRowCount,
  report: r.report,
});

const NDJSON_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
];

/** The format of a batch from its Content-Type, and the charset it names. */
function batchFormat(contentType: string | undefined): {
  format: 'json' | 'ndjson';
  encoding?: 'utf8' | 'gbk' | 'gb18030';
} {
  const [type = '', ...params] = (contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((s) => s.trim());
  const format = type === 'application/json' ? 'json' : NDJSON_TYPES.includes(type) ? 'ndjson' : null;
  if (!format)
    throw new AppError('unsupported_media_type', 415, {
      zh: `数据批次须为 JSON 数组（Content-Type: application/json）或 NDJSON（application/x-ndjson），而不是 ${type || '未声明的类型'}`,
      en: `A batch must be a JSON array (Content-Type: application/json) or NDJSON (application/x-ndjson), not ${type || 'an undeclared type'}`,
    });
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  const encoding =
    charset === 'utf-8' || charset === 'utf8'
      ? ('utf8' as const)
      : charset === 'gbk'
        ? ('gbk' as const)
        : charset === 'gb18030'
          ? ('gb18030' as const)
          : undefined;
  return { format, ...(encoding ? { encoding } : {}) };
}

/** A POST without a body (no options) is the same as `{}`. */
async function noBodyIsEmpty(request: FastifyRequest): Promise<void> {
  // Only a missing body: a JSON `null` is not an object and is refused by the schema.
  if (request.body === undefined) request.body = {};
}

export const pushSessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['data provision: push sessions'];
  const handle = app.database;
  const db = app.db;
  const base = '/provision/entries/:id/pushes';

  app.post(
    base,
    {
      config: { policy: 'provider' },
      preValidation: noBodyIsEmpty,
      schema: {
        tags,
        summary: 'Open a push session: a new version filled by several requests / 新建推送会话',
        description:
          'For departments’ systems (API credential) and providers. `Idempotency-Key` is required: a retry with the same key answers the same session (200) instead of a new one (201). One open session per entry: while one is open, another is refused (409 `push_session_open`, naming it). The session expires after 24 hours without a request.',
        params: EntryParams,
        headers: IdempotencyHeaders,
        body: PushSessionBody,
        response: pushResponses({ 200: PushSession, 201: PushSession }),
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const body = request.body;
      const { session, created } = await push.createPushSession(handle, actorOf(request), entry, {
        idempotencyKey: request.headers['idempotency-key'],
        ...(body.errorPolicy ? { errorPolicy: body.errorPolicy } : {}),
        ...(body.mapping ? { mapping: body.mapping } : {}),
        ...(body.note !== undefined ? { note: body.note } : {}),
      });
      return reply.code(created ? 201 : 200).send(session);
    },
  );

  app.get(
    `${base}/:versionId`,
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'State, counts and running report of a push session / 推送会话状态',
        params: VersionParams,
        response: pushResponses({ 200: PushSession }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      return push.getPushSession(db, actorOf(request), entry, request.params.versionId);
    },
  );

  app.post(
    `${base}/:versionId/commit`,
    {
      config: { policy: 'provider' },
      preValidation: noBodyIsEmpty,
      schema: {
        tags,
        summary:
          'Commit a push session: the version becomes current, or fails with its report / 提交推送会话',
        description:
          '201 with the new current version; 422 with the full validation report when the rows are refused (none received, or invalid rows under `reject`) — the version failed and the current one is untouched. A second commit is 409 `push_already_committed`, naming the version and when it was committed; a failed, cancelled or expired session is 409 with its state. `expectedRows`, when given, must equal the rows received (else 409 `push_count_mismatch`, the session stays open).',
        params: VersionParams,
        body: PushCommitBody,
        response: pushResponses({ 201: PushCommitOutcome, 422: PushCommitOutcome }),
      },
    },
    async (request, reply) => {
      const entry = await provision.loadEntry(db, request.params.id);
      const result = await push.commitPushSession(
        handle,
        actorOf(request),
        entry,
        request.params.versionId,
        request.body.expectedRows === undefined ? {} : { expectedRows: request.body.expectedRows },
      );
      return reply.code(accepted(result) ? 201 : 422).send(outcome(result));
    },
  );

  app.delete(
    `${base}/:versionId`,
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Cancel a push session: its rows are dropped / 取消推送会话',
        description:
          'The version is cancelled and its table dropped; the current version is untouched. Cancelling a closed session changes nothing; a committed one is 409 `push_already_committed`.',
        params: VersionParams,
        response: pushResponses({ 200: PushSession }),
      },
    },
    async (request) => {
      const entry = await provision.loadEntry(db, request.params.id);
      return push.cancelPushSession(handle, actorOf(request), entry, request.params.versionId);
    },
  );

  const bodyRoutes: FastifyPluginAsyncTypebox = async (raw) => {
    // Batches and files are streamed to disk as they arrive (digest and size on the way).
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    /** Receives the body into a temporary file; `dirs` collects what to remove afterwards. */
    const receiver =
      (stream: NodeJS.ReadableStream, reply: FastifyReply, dirs: string[], state: { read: boolean }) =>
      async (): Promise<push.ReceivedBody> => {
        state.read = true;
        const dir = await makeTempDir(app.config.dataDir, 'push');
        dirs.push(dir);
        const file = path.join(dir, 'body');
        const { bytes, sm3 } = await receiveToFile(stream, reply, file, {
          limit: app.config.uploadLimit,
          digest: true,
          what: 'body',
        });
        return { file, sm3: sm3 ?? '', bytes };
      };
    const cleanUp = async (stream: NodeJS.ReadableStream, dirs: string[], state: { read: boolean }) => {
      // Refused before the body was read: read it away, so the connection stays usable.
      if (!state.read && stream) (stream as NodeJS.ReadableStream & { resume(): void }).resume();
      for (const dir of dirs) await fs.promises.rm(dir, { recursive: true, force: true });
    };
    /**
     * Runs `run` with a receiver of the request body (read only when it asks); afterwards the
     * temporary files are removed and an unread body is read away.
     */
    const withBody = async <T>(
      request: FastifyRequest,
      reply: FastifyReply,
      run: (receive: () => Promise<push.ReceivedBody>) => Promise<T>,
    ): Promise<T> => {
      const stream = request.body as NodeJS.ReadableStream;
      const dirs: string[] = [];
      const state = { read: false };
      try {
        return await run(receiver(stream, reply, dirs, state));
      } finally {
        await cleanUp(stream, dirs, state);
      }
    };

    raw.post(
      `${base}/:versionId/rows`,
      {
        config: { policy: 'provider' },
        bodyLimit: app.config.uploadLimit,
        schema: {
          tags,
          summary: 'Append a batch of rows to a push session / 向推送会话追加一批数据',
          description:
            'The body is a JSON array of objects (`Content-Type: application/json`) or NDJSON, one object per line (`application/x-ndjson`), streamed; keys are data item names, Chinese labels, or as the session’s mapping says. Rows are validated and appended at once (rows numbered over the whole session); the answer gives the running counts and this batch’s problems. With `Batch-Sequence: n`, a retry of batch n with the same content (SM3) is acknowledged (200, `replayed`) without appending; other content under a used number is 409 `push_batch_conflict`. Without it the batch takes the next number. Two batches of one session are written one after the other.',
          params: VersionParams,
          headers: PushBatchHeaders,
          response: pushResponses({ 200: PushBatchAnswer, 201: PushBatchAnswer }),
        },
      },
      async (request, reply) =>
        withBody(request, reply, async (receive) => {
          const entry = await provision.loadEntry(db, request.params.id);
          const { format, encoding } = batchFormat(request.headers['content-type']);
          const sequence = request.headers['batch-sequence'];
          const answer = await push.appendBatch(handle, actorOf(request), entry, request.params.versionId, {
            format,
            ...(encoding ? { encoding } : {}),
            ...(sequence !== undefined ? { sequence } : {}),
            receive,
          });
          return reply.code(answer.batch.replayed ? 200 : 201).send(answer);
        }),
    );

    raw.put(
      `${base}/:versionId/file`,
      {
        config: { policy: 'provider' },
        bodyLimit: app.config.uploadLimit,
        schema: {
          tags,
          summary: 'Put the whole file into a push session / 向推送会话上传整个文件',
          description:
            'Instead of batches: the body is the file (CSV, XLSX, JSON, NDJSON, GeoJSON; any Content-Type), with the same options as an upload. Only into a session without batches; the same file again (same SM3) is acknowledged (200), another file is 409 `push_file_conflict`. Rows keep the file’s record numbers.',
          params: VersionParams,
          querystring: FileUploadQuery,
          response: pushResponses({ 200: PushFileAnswer, 201: PushFileAnswer }),
        },
      },
      async (request, reply) =>
        withBody(request, reply, async (receive) => {
          const entry = await provision.loadEntry(db, request.params.id);
          const answer = await push.putFile(handle, actorOf(request), entry, request.params.versionId, {
            ...fileOptionsOf(request.query),
            receive,
          });
          return reply.code(answer.replayed ? 200 : 201).send(answer);
        }),
    );
  };
  await app.register(bodyRoutes);
};
