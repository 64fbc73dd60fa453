/**
 * Resumable uploads (tus) and what follows them: the preview with the automatic column mapping, the
 * ingest with row progress (NDJSON), and file resources (files versions, their files, downloads).
 */
import { Upload, type PreviousUpload } from 'tus-js-client';
import type {
  IngestOutcome,
  IngestProgressLine,
  IngestUploadBody,
  ReadQuery,
} from '@huitong/contract/provision';
import type { SourceEncoding, SourceFormat } from '@huitong/contract/values';
import { ApiError, apiErrorOf, call, getCsrfToken, pathOf, urlOf } from '../../api/client';

export const TUS_ENDPOINT = pathOf('POST /api/provision/uploads').path;
/** Bytes per PATCH: an interrupted upload resumes from the last byte the server has. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

export type UploadBytes = { loaded: number; total: number };

/** The tus error's answer as an ApiError (problem+json from the server), else a network error. */
function tusError(err: unknown): ApiError {
  const res = (err as { originalResponse?: { getStatus(): number; getBody(): string } | null })
    .originalResponse;
  if (!res) return new ApiError({ status: 0, code: 'network' });
  let body: unknown = undefined;
  try {
    body = JSON.parse(res.getBody()) as unknown;
  } catch {
    body = res.getBody();
  }
  return apiErrorOf(res.getStatus(), body, TUS_ENDPOINT);
}

/**
 * Sends a file with tus, resuming an earlier upload of the same file for the same entry (after a
 * reload or a lost connection) from the server's offset. Answers the upload's id.
 */
export function resumableUpload(
  entryId: string,
  file: File,
  meta: { format?: SourceFormat | null; encoding?: SourceEncoding | null },
  onProgress: (p: UploadBytes) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const metadata: Record<string, string> = { entryId, filename: file.name, filetype: file.type };
    if (meta.format) metadata.format = meta.format;
    if (meta.encoding) metadata.encoding = meta.encoding;
    const upload = new Upload(file, {
      endpoint: TUS_ENDPOINT,
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000],
      metadata,
      headers: getCsrfToken() ? { 'x-csrf-token': getCsrfToken() ?? '' } : {},
      // One entry, one file (name, type, size, time): the same choice resumes the same upload.
      fingerprint: (f: File) =>
        Promise.resolve(['huitong', entryId, f.name, f.type, f.size, f.lastModified].join('/')),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (loaded, total) => onProgress({ loaded, total }),
      onError: (err) => reject(tusError(err)),
      onSuccess: () => {
        const url = upload.url ?? '';
        resolve(url.slice(url.lastIndexOf('/') + 1));
      },
    });
    signal?.addEventListener(
      'abort',
      () => {
        void upload.abort(false);
        reject(new DOMException('The upload was cancelled', 'AbortError'));
      },
      { once: true },
    );
    upload.findPreviousUploads().then(
      (previous: PreviousUpload[]) => {
        const last = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      },
      () => upload.start(),
    );
  });
}

export type ReadChoice = {
  format?: SourceFormat | null;
  encoding?: SourceEncoding | null;
  sheet?: string | null;
};

const readQuery = (c: ReadChoice): ReadQuery => ({
  format: c.format ?? undefined,
  encoding: c.format === 'csv' || c.format === undefined ? (c.encoding ?? undefined) : undefined,
  sheet: c.sheet ?? undefined,
});

export type RowProgress = Omit<Extract<IngestProgressLine, { type: 'progress' }>, 'type'>;

/**
 * Ingests a completed upload, reading the server's progress lines (rows and bytes read) as they
 * come. Answers the outcome (published or refused with a report); any other answer is an ApiError.
 */
export async function ingestUpload(
  entryId: string,
  uploadId: string,
  body: ReadChoice & Pick<IngestUploadBody, 'mapping' | 'errorPolicy'>,
  onProgress: (p: RowProgress) => void,
): Promise<IngestOutcome> {
  const { path } = pathOf('POST /api/provision/entries/:id/uploads/:uploadId/ingest', {
    id: entryId,
    uploadId,
  });
  const request: IngestUploadBody = {
    ...readQuery(body),
    mapping: body.mapping,
    errorPolicy: body.errorPolicy,
  };
  const headers: Record<string, string> = {
    accept: 'application/x-ndjson, application/problem+json',
    'content-type': 'application/json',
  };
  const token = getCsrfToken();
  if (token) headers['x-csrf-token'] = token;
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify(request),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      /* not JSON */
    }
    throw apiErrorOf(response.status, parsed, path);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const text = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (!text) continue;
      // The lines of the route's NDJSON answer (contract: IngestProgressLine).
      const line = JSON.parse(text) as IngestProgressLine;
      if (line.type === 'progress') onProgress(line);
      else if (line.type === 'result') return line.outcome;
      else throw apiErrorOf(line.status, line.problem, path);
    }
    if (done) break;
  }
  throw new ApiError({ status: 0, code: 'network' });
}

export const uploadApi = {
  preview: (entryId: string, uploadId: string, choice: ReadChoice) =>
    call('GET /api/provision/entries/:id/uploads/:uploadId/preview', {
      params: { id: entryId, uploadId },
      query: readQuery(choice),
    }),
  createFilesVersion: (entryId: string, uploads: string[]) =>
    call('POST /api/provision/entries/:id/files', { params: { id: entryId }, body: { uploads } }),
  files: (entryId: string, versionId: string, signal?: AbortSignal) =>
    call('GET /api/provision/entries/:id/versions/:versionId/files', {
      params: { id: entryId, versionId },
      signal,
    }),
  downloadUrl: (entryId: string, versionId: string, position: number): string =>
    urlOf('GET /api/provision/entries/:id/versions/:versionId/files/:position', {
      params: { id: entryId, versionId, position },
    }),
};
