import type { IngestOutcome, ProvisionSettingsBody, RetentionSettings } from '@huitong/contract/provision';
import type { QueryOf } from '@huitong/contract/routes';
import { SOURCE_FORMATS, type SourceEncoding, type SourceFormat } from '@huitong/contract/values';
import { ApiError, apiErrorOf, buildUrl, call, getCsrfToken, pathOf } from '../../api/client';

export type UploadOptions = {
  format: SourceFormat;
  encoding?: SourceEncoding;
};

/** Bytes of the request body sent so far. */
export type UploadProgress = { loaded: number; total: number };

/** Callbacks of an upload: bytes sent, then the whole file sent (the server is validating). */
export type UploadListeners = {
  onProgress?: (progress: UploadProgress) => void;
  onSent?: () => void;
};

/** The format of a file name's extension, or null when it is none of the formats read. */
export function formatOfFileName(name: string): SourceFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return SOURCE_FORMATS.find((f) => f === ext) ?? null;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Uploads a file as the raw request body with XMLHttpRequest (fetch reports no upload progress).
 * Answers the outcome when the data were published (201) or refused with a report (422); any other
 * answer becomes an ApiError.
 */
export function uploadFile(
  entryId: string,
  file: File,
  options: UploadOptions,
  listeners: UploadListeners = {},
  signal?: AbortSignal,
): Promise<IngestOutcome> {
  const { path } = pathOf('POST /api/provision/entries/:id/upload', { id: entryId });
  const query: QueryOf<'POST /api/provision/entries/:id/upload'> = {
    format: options.format,
    encoding: options.format === 'csv' ? (options.encoding ?? 'auto') : undefined,
    fileName: file.name,
  };
  const url = buildUrl(path, query);
  return new Promise<IngestOutcome>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => {
      listeners.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    };
    xhr.upload.onload = () => listeners.onSent?.();
    xhr.onload = () => {
      const body = parseBody(xhr.responseText);
      if ((xhr.status === 201 || xhr.status === 200 || xhr.status === 422) && typeof body === 'object') {
        // The answers of the route (contract: 201 and 422 are an IngestOutcome).
        resolve(body as IngestOutcome);
      } else {
        reject(apiErrorOf(xhr.status, body, path));
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('The upload was cancelled', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(file);
  });
}

export const provisionApi = {
  versions: async (id: string, signal?: AbortSignal) =>
    (await call('GET /api/provision/entries/:id/versions', { params: { id }, signal })).items,
  version: (id: string, versionId: string, signal?: AbortSignal) =>
    call('GET /api/provision/entries/:id/versions/:versionId', { params: { id, versionId }, signal }),
  restore: (id: string, versionId: string) =>
    call('POST /api/provision/entries/:id/versions/:versionId/restore', { params: { id, versionId } }),
  settings: (id: string, signal?: AbortSignal) =>
    call('GET /api/provision/entries/:id/settings', { params: { id }, signal }),
  updateSettings: (id: string, input: ProvisionSettingsBody) =>
    call('PUT /api/provision/entries/:id/settings', { params: { id }, body: input }),
  /** The city's default retention of data versions (the city administrator only). */
  cityRetention: (signal?: AbortSignal) => call('GET /api/provision/retention', { signal }),
  updateCityRetention: (input: RetentionSettings) => call('PUT /api/provision/retention', { body: input }),
  upload: uploadFile,
};
