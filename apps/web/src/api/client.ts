/**
 * The one HTTP client of the web app. Same-origin cookies carry the session; the CSRF token
 * returned by sign-in and `GET /api/auth/me` is sent on every state-changing request.
 */

export type LocalizedText = { zh: string; en: string };

export type FieldProblem = { field: string; message: LocalizedText };

export type Problem = {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  message?: LocalizedText;
  fields?: FieldProblem[];
  /** Members beyond the standard ones (e.g. `duplicates` of `duplicate_justification_required`). */
  extra?: Record<string, unknown>;
};

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'code',
  'message',
  'fields',
  'requestId',
]);

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.message?.en ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** A page of a server-paged list. */
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for requests not sent through `request` (e.g. an upload with progress). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Listeners told when any request comes back 401 (the session ended on the server). */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLocalized(value: unknown): value is LocalizedText {
  return isRecord(value) && typeof value['zh'] === 'string' && typeof value['en'] === 'string';
}

function toProblem(status: number, body: unknown): Problem {
  if (!isRecord(body)) return { status };
  const fields: FieldProblem[] = [];
  const rawFields = body['fields'];
  if (Array.isArray(rawFields)) {
    for (const f of rawFields) {
      if (isRecord(f) && typeof f['field'] === 'string' && isLocalized(f['message'])) {
        fields.push({ field: f['field'], message: f['message'] });
      }
    }
  }
  const problem: Problem = { status };
  if (typeof body['type'] === 'string') problem.type = body['type'];
  if (typeof body['title'] === 'string') problem.title = body['title'];
  if (typeof body['detail'] === 'string') problem.detail = body['detail'];
  if (typeof body['code'] === 'string') problem.code = body['code'];
  if (isLocalized(body['message'])) problem.message = body['message'];
  if (fields.length > 0) problem.fields = fields;
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !STANDARD_MEMBERS.has(key)));
  if (Object.keys(extra).length > 0) problem.extra = extra;
  return problem;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type RequestOptions = {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (e.g. an uploaded file) with its Content-Type, instead of a JSON `body`. */
  raw?: { data: Blob; contentType: string };
  /** The Accept header; JSON and problem+json by default. */
  accept?: string;
  signal?: AbortSignal;
};

/** Sends a request and answers the response when it is 2xx; anything else becomes an ApiError. */
async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {
    accept: options.accept ?? 'application/json, application/problem+json',
  };
  let body: BodyInit | null = null;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      headers,
      body,
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!response.ok) {
    const problemBody = await readBody(response);
    // A 401 from /api/auth/* is a wrong password, not an ended session.
    if (response.status === 401 && !path.startsWith('/api/auth/')) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(toProblem(response.status, problemBody));
  }
  return response;
}

/**
 * The ApiError of a non-2xx answer read by other means than `fetch` (an XMLHttpRequest upload, for
 * its progress events); a 401 tells the listeners, as `request` does.
 */
export function apiErrorOf(status: number, body: unknown, path: string): ApiError {
  if (status === 401 && !path.startsWith('/api/auth/')) {
    for (const listener of unauthorizedListeners) listener();
  }
  return new ApiError(toProblem(status, body));
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  return (await readBody(response)) as T;
}

/** A file answered by the server, with the name it suggests. */
export type Download = { blob: Blob; fileName: string | null; headers: Headers };

/**
 * The file name of a `Content-Disposition` header: the UTF-8 `filename*` (RFC 5987) when present,
 * else the plain `filename`.
 */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended?.[2]) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // a malformed encoding: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? name : null;
}

/** GETs a file (errors stay problem+json and become an ApiError). */
export async function download(path: string, query?: Query, accept = '*/*'): Promise<Download> {
  const response = await send('GET', path, {
    ...(query ? { query } : {}),
    accept: `${accept}, application/problem+json`,
  });
  return {
    blob: await response.blob(),
    fileName: fileNameOf(response.headers.get('content-disposition')),
    headers: response.headers,
  };
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> =>
    request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown): Promise<T> => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, { body }),
  delete: <T>(path: string): Promise<T> => request<T>('DELETE', path),
  /** POSTs a file as the raw request body with its Content-Type (no multipart). */
  upload: <T>(path: string, data: Blob, contentType: string): Promise<T> =>
    request<T>('POST', path, { raw: { data, contentType } }),
};

/** Lists that are not paged may come back bare or wrapped as `{ items }`; accept both. */
export function itemsOf<T>(data: T[] | { items: T[] } | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items;
}

/** Paged lists are `{ items, total, page, pageSize }`; tolerate a bare array. */
export function pageOf<T>(data: Page<T> | T[] | null | undefined, page: number, pageSize: number): Page<T> {
  if (!data) return { items: [], total: 0, page, pageSize };
  if (Array.isArray(data)) return { items: data, total: data.length, page, pageSize };
  return {
    items: data.items,
    total: data.total ?? data.items.length,
    page: data.page ?? page,
    pageSize: data.pageSize ?? pageSize,
  };
}

export function encodeSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}
