import {
  ApiError,
  api,
  apiErrorOf,
  buildUrl,
  encodeSegment,
  getCsrfToken,
  type LocalizedText,
} from '../../api/client';

export const SOURCE_FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'geojson'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type ErrorPolicy = 'reject' | 'exclude';

export type ProvisionSettings = {
  errorPolicy: ErrorPolicy;
  enumerations: Record<string, string[]>;
  keyFields: string[];
  declaredRowCount: number | null;
  declaredChecksum: string | null;
};

/** One value that broke a rule: row as the file numbers it, column as the file names it. */
export type ValidationProblem = {
  row: number;
  column: string;
  field: string;
  value: string | null;
  rule: string;
  message: LocalizedText;
};

export type FieldQuality = {
  field: string;
  column: string;
  dataType: string;
  required: boolean;
  filled: number;
  valid: number;
  problems: number;
  /** Share (0–1) of rows with a value; null when there are no rows. */
  completeness: number | null;
  /** Share (0–1) of the values given that are valid; null when none was given. */
  validShare: number | null;
};

/** Not an error: something the providing department should check (formula_like: values a spreadsheet may run). */
export type ValidationNotice = {
  code: 'formula_like';
  field: string;
  column: string;
  count: number;
  firstRow: number;
  firstValue: string;
  message: LocalizedText;
};

export type ValidationReport = {
  totalRows: number;
  validRows: number;
  invalidRows: number;
  problemCount: number;
  problemsTruncated: boolean;
  problemsByRule: Record<string, number>;
  fields: FieldQuality[];
  problems: ValidationProblem[];
  /** Absent in reports made before there were notices. */
  notices?: ValidationNotice[];
};

export type IngestOutcome = {
  versionId: string;
  versionNo: number;
  state: 'ready' | 'failed' | 'cancelled';
  rowCount: number;
  excludedRowCount: number;
  replayed?: boolean;
  report: ValidationReport | null;
};

export type DataVersionState = 'receiving' | 'ready' | 'failed' | 'cancelled';

export type DataVersion = {
  id: string;
  versionNo: number;
  state: DataVersionState;
  current: boolean;
  /** upload, push, connector, restore or demo. */
  source: string;
  format: string | null;
  encoding: string | null;
  fileName: string | null;
  rowCount: number | null;
  excludedRowCount: number | null;
  byteCount: number | null;
  sm3: string | null;
  basedOn: string | null;
  createdBy: string | null;
  createdAt: string;
  completedAt: string | null;
  error: LocalizedText | null;
};

export type UploadOptions = {
  format: SourceFormat;
  encoding?: Encoding;
};

/** Bytes of the request body sent so far. */
export type UploadProgress = { loaded: number; total: number };

/** Callbacks of an upload: bytes sent, then the whole file sent (the server is validating). */
export type UploadListeners = {
  onProgress?: (progress: UploadProgress) => void;
  onSent?: () => void;
};

const entryPath = (id: string) => `/api/provision/entries/${encodeSegment(id)}`;

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
  const path = `${entryPath(entryId)}/upload`;
  const url = buildUrl(path, {
    format: options.format,
    encoding: options.format === 'csv' ? (options.encoding ?? 'auto') : undefined,
    fileName: file.name,
  });
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
  versions: async (id: string, signal?: AbortSignal): Promise<DataVersion[]> =>
    (await api.get<{ items: DataVersion[] }>(`${entryPath(id)}/versions`, undefined, signal)).items,
  version: (id: string, versionId: string, signal?: AbortSignal): Promise<IngestOutcome> =>
    api.get<IngestOutcome>(`${entryPath(id)}/versions/${encodeSegment(versionId)}`, undefined, signal),
  restore: (id: string, versionId: string): Promise<IngestOutcome> =>
    api.post<IngestOutcome>(`${entryPath(id)}/versions/${encodeSegment(versionId)}/restore`),
  settings: (id: string, signal?: AbortSignal): Promise<ProvisionSettings> =>
    api.get<ProvisionSettings>(`${entryPath(id)}/settings`, undefined, signal),
  updateSettings: (id: string, input: { errorPolicy: ErrorPolicy }): Promise<ProvisionSettings> =>
    api.put<ProvisionSettings>(`${entryPath(id)}/settings`, input),
  upload: uploadFile,
};
