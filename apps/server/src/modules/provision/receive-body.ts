/**
 * Receiving a request body (an uploaded file, a pushed batch) into a temporary file on disk, within
 * the configured upload limit.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../shared/errors.ts';

/** A body larger than the upload limit (413). */
export class UploadTooLarge extends AppError {
  constructor(limit: number, what: 'file' | 'body' = 'file') {
    const mb = Math.round(limit / 1024 / 1024);
    super(
      'upload_too_large',
      413,
      what === 'file'
        ? { zh: `文件超过上传上限 ${mb} MB`, en: `The file is larger than the upload limit of ${mb} MB` }
        : {
            zh: `请求体超过上传上限 ${mb} MB`,
            en: `The request body is larger than the upload limit of ${mb} MB`,
          },
    );
  }
}

/**
 * Streams `body` into `file`. Past `limit` bytes it stops with UploadTooLarge and marks the
 * connection to be closed (the rest of the body is never read). With `digest`, the SM3 of the bytes
 * is computed on the way.
 */
export async function receiveToFile(
  body: NodeJS.ReadableStream,
  reply: FastifyReply,
  file: string,
  options: { limit: number; digest?: boolean; what?: 'file' | 'body' },
): Promise<{ bytes: number; sm3: string | null }> {
  const hash = options.digest ? createHash('sm3') : null;
  let bytes = 0;
  await pipeline(
    body,
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > options.limit) {
          reply.header('connection', 'close');
          cb(new UploadTooLarge(options.limit, options.what));
          return;
        }
        hash?.update(chunk);
        cb(null, chunk);
      },
    }),
    fs.createWriteStream(file),
  );
  return { bytes, sm3: hash ? hash.digest('hex') : null };
}
