/**
 * Resumable uploads (tus) and what follows them: the preview with the automatic column mapping, the
 * ingest with row progress (NDJSON), and file resources (files versions, their files, downloads).
 */
import { Upload, type PreviousUpload } from 'tus-js-client';
import { ApiError, api, apiErrorOf, encodeSegment, getCsrfToken } from '../../api/client';
import type { Encoding, ErrorPolicy, IngestOutcome, SourceFormat } from './provision-api';

export const TUS_ENDPOINT = '/api/provision/uploads';
/** Bytes per PATCH: an interrupted upload resumes from the last byte the server has. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

/** The catalog's structured resource formats: their data are tables; any other format's are files. */
const STRUCTURED_FORMATS = ['database', 'spreadsheet', 'self_describing', 'service'];

/** Whether an entry of this resource format holds files (documents, images, audio, video). */
export const holdsFiles = (format: string | null | undefined): boolean =>
  typeof format === 'string' && !STRUCTURED_FORMATS.includes(format);

const entryPath = (id: string) => `/api/provision/entries/${encodeSegment(id)}`;

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
  meta: { format?: SourceFormat | null; encoding?: Encoding | null },
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

export type ColumnMatch = {
  item: string;
  label: string;
  dataType: string;
  required: boolean;
  header: string | null;
};

export type UploadPreview = {
  uploadId: string;
  fileName: string;
  byteCount: number;
  format: SourceFormat;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[];
  headers: string[];
  rows: { record: number; values: (string | null)[] }[];
  mapping: { matches: ColumnMatch[]; unmatchedHeaders: string[]; missingRequired: string[] };
};

export type ReadChoice = {
  format?: SourceFormat | null;
  encoding?: Encoding | null;
  sheet?: string | null;
};

const readQuery = (c: ReadChoice) => ({
  format: c.format ?? undefined,
  encoding: c.format === 'csv' || c.format === undefined ? (c.encoding ?? undefined) : undefined,
  sheet: c.sheet ?? undefined,
});

export type RowProgress = { rows: number; bytes: number; totalBytes: number };

type Line =
  | { type: 'progress'; rows: number; bytes: number; totalBytes: number }
  | { type: 'result'; status: number; outcome: IngestOutcome }
  | { type: 'error'; status: number; problem: unknown };

/**
 * Ingests a completed upload, reading the server's progress lines (rows and bytes read) as they
 * come. Answers the outcome (published or refused with a report); any other answer is an ApiError.
 */
export async function ingestUpload(
  entryId: string,
  uploadId: string,
  body: ReadChoice & { mapping?: Record<string, string>; errorPolicy?: ErrorPolicy },
  onProgress: (p: RowProgress) => void,
): Promise<IngestOutcome> {
  const path = `${entryPath(entryId)}/uploads/${encodeSegment(uploadId)}/ingest`;
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
      body: JSON.stringify({ ...readQuery(body), mapping: body.mapping, errorPolicy: body.errorPolicy }),
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
      const line = JSON.parse(text) as Line;
      if (line.type === 'progress') onProgress(line);
      else if (line.type === 'result') return line.outcome;
      else throw apiErrorOf(line.status, line.problem, path);
    }
    if (done) break;
  }
  throw new ApiError({ status: 0, code: 'network' });
}

export type StoredFile = {
  position: number;
  fileName: string;
  mediaType: string;
  byteCount: number;
  sm3: string;
};

export type FilesVersion = { versionId: string; versionNo: number; files: StoredFile[] };

export const uploadApi = {
  preview: (entryId: string, uploadId: string, choice: ReadChoice): Promise<UploadPreview> =>
    api.get<UploadPreview>(
      `${entryPath(entryId)}/uploads/${encodeSegment(uploadId)}/preview`,
      readQuery(choice),
    ),
  createFilesVersion: (entryId: string, uploads: string[]): Promise<FilesVersion & { state: 'ready' }> =>
    api.post<FilesVersion & { state: 'ready' }>(`${entryPath(entryId)}/files`, { uploads }),
  files: (entryId: string, versionId: string, signal?: AbortSignal): Promise<FilesVersion> =>
    api.get<FilesVersion>(
      `${entryPath(entryId)}/versions/${encodeSegment(versionId)}/files`,
      undefined,
      signal,
    ),
  downloadUrl: (entryId: string, versionId: string, position: number): string =>
    `${entryPath(entryId)}/versions/${encodeSegment(versionId)}/files/${position}`,
};
