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

export type RequestOptions = { query?: Query; body?: unknown; signal?: AbortSignal };

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network' });
  }
  const body = await readBody(response);
  if (!response.ok) {
    // A 401 from /api/auth/* is a wrong password, not an ended session.
    if (response.status === 401 && !path.startsWith('/api/auth/')) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(toProblem(response.status, body));
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> =>
    request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown): Promise<T> => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, { body }),
  delete: <T>(path: string): Promise<T> => request<T>('DELETE', path),
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
