/**
 * The one HTTP client of the web app. Same-origin cookies carry the session; the CSRF token
 * returned by sign-in and `GET /api/auth/me` is sent on every state-changing request.
 *
 * Every call names its route as the contract's route table does (`'GET /api/catalog/entries/:id'`):
 * its path parameters, query and body are checked against the contract's schemas and its answer has
 * the type of the route's response schema, so a change of the API that the web does not follow
 * fails the typecheck. The contract is imported for its types only (nothing of TypeBox is bundled).
 */
import type { ErrorCode } from '@huitong/contract/errors';
import type { FieldProblem, LocalisedMessage, Page, Problem } from '@huitong/contract/common';
import type {
  BodyOf,
  FileRouteKey,
  JsonRouteKey,
  ParamsOf,
  QueryOf,
  RawBodyRouteKey,
  ResponseOf,
  RouteKey,
} from '@huitong/contract/routes';

export type { FieldProblem, LocalisedMessage, Page };

/**
 * A problem+json answer as read: the contract's Problem, each member absent when the body lacks it
 * (a proxy's HTML error has none), the code `network` when no answer came, and the members beyond
 * the standard ones in `extra` (e.g. `duplicates` of `duplicate_justification_required`).
 */
export type ClientProblem = Partial<Pick<Problem, 'type' | 'title' | 'detail' | 'message' | 'fields'>> & {
  status: number;
  code?: ErrorCode | 'network';
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
  readonly problem: ClientProblem;

  constructor(problem: ClientProblem) {
    super(problem.message?.en ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for requests not sent through `call` (e.g. an upload with progress). */
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
    if (Array.isArray(value))
      for (const v of value as readonly (string | number)[]) params.append(key, String(v));
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLocalised(value: unknown): value is LocalisedMessage {
  return isRecord(value) && typeof value['zh'] === 'string' && typeof value['en'] === 'string';
}

function toProblem(status: number, body: unknown): ClientProblem {
  if (!isRecord(body)) return { status };
  const fields: FieldProblem[] = [];
  const rawFields = body['fields'];
  if (Array.isArray(rawFields)) {
    for (const f of rawFields) {
      if (isRecord(f) && typeof f['field'] === 'string' && isLocalised(f['message'])) {
        fields.push({ field: f['field'], message: f['message'] });
      }
    }
  }
  const problem: ClientProblem = { status };
  if (typeof body['type'] === 'string') problem.type = body['type'];
  if (typeof body['title'] === 'string') problem.title = body['title'];
  if (typeof body['detail'] === 'string') problem.detail = body['detail'];
  // The server's codes are the contract's ErrorCode (its AppError takes nothing else).
  if (typeof body['code'] === 'string') problem.code = body['code'] as ErrorCode;
  if (isLocalised(body['message'])) problem.message = body['message'];
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

type SendOptions = {
  query?: Query | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (e.g. an uploaded file) with its Content-Type, instead of a JSON `body`. */
  raw?: { data: Blob; contentType: string } | undefined;
  /** The Accept header; JSON and problem+json by default. */
  accept?: string | undefined;
  signal?: AbortSignal | undefined;
};

/** Sends a request and answers the response when it is 2xx; anything else becomes an ApiError. */
async function send(method: Method, path: string, options: SendOptions): Promise<Response> {
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
 * its progress events); a 401 tells the listeners, as `call` does.
 */
export function apiErrorOf(status: number, body: unknown, path: string): ApiError {
  if (status === 401 && !path.startsWith('/api/auth/')) {
    for (const listener of unauthorizedListeners) listener();
  }
  return new ApiError(toProblem(status, body));
}

// ---------- typed calls by route ----------

/** none: the route has no such part; optional: it has no required member; required. */
type Optionality<T> = [T] extends [never]
  ? 'none'
  : Record<string, never> extends T
    ? 'optional'
    : 'required';

type Member<Name extends string, T> =
  Optionality<T> extends 'none'
    ? { [N in Name]?: never }
    : Optionality<T> extends 'optional'
      ? { [N in Name]?: T }
      : { [N in Name]: T };

/** What a call of a route takes: its path parameters, query and body as the contract types them. */
export type CallArgs<K extends RouteKey> = Member<'params', ParamsOf<K>> &
  Member<'query', QueryOf<K>> &
  Member<'body', BodyOf<K>> & { signal?: AbortSignal };

type RequiredMembers<K extends RouteKey> =
  Optionality<ParamsOf<K>> extends 'required'
    ? true
    : Optionality<BodyOf<K>> extends 'required'
      ? true
      : Optionality<QueryOf<K>> extends 'required'
        ? true
        : false;

type ArgsTuple<K extends RouteKey> = RequiredMembers<K> extends true ? [CallArgs<K>] : [CallArgs<K>?];

/** The method and the path (parameters filled in, each encoded) of a route. */
export function pathOf(
  key: RouteKey,
  params?: Record<string, string | number>,
): { method: Method; path: string } {
  const space = key.indexOf(' ');
  const method = key.slice(0, space) as Method;
  const template = key.slice(space + 1);
  const path = template.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${key}: the path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  return { method, path };
}

/** Calls a route of the API: its answer, typed by the route's response schema. */
export async function call<K extends JsonRouteKey>(key: K, ...args: ArgsTuple<K>): Promise<ResponseOf<K>> {
  const a: { params?: unknown; query?: unknown; body?: unknown; signal?: AbortSignal } = args[0] ?? {};
  const { method, path } = pathOf(key, a.params as Record<string, string | number> | undefined);
  const response = await send(method, path, {
    query: a.query as Query | undefined,
    body: a.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}),
    signal: a.signal,
  });
  // The server answers only what the route's response schema declares (it serialises with it).
  return (await readBody(response)) as ResponseOf<K>;
}

/** POSTs a file as the raw request body with its Content-Type (no multipart). */
export async function upload<K extends RawBodyRouteKey>(
  key: K,
  file: { data: Blob; contentType: string },
  ...args: ArgsTuple<K>
): Promise<ResponseOf<K>> {
  const a: { params?: unknown; query?: unknown; signal?: AbortSignal } = args[0] ?? {};
  const { method, path } = pathOf(key, a.params as Record<string, string | number> | undefined);
  const response = await send(method, path, {
    query: a.query as Query | undefined,
    raw: file,
    signal: a.signal,
  });
  return (await readBody(response)) as ResponseOf<K>;
}

/** The URL of a route (for a link or a browser download), parameters and query filled in. */
export function urlOf<K extends FileRouteKey>(key: K, ...args: ArgsTuple<K>): string {
  const a: { params?: unknown; query?: unknown } = args[0] ?? {};
  return buildUrl(
    pathOf(key, a.params as Record<string, string | number> | undefined).path,
    a.query as Query | undefined,
  );
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

/** GETs a file of a route that answers files (errors stay problem+json and become an ApiError). */
export async function download<K extends FileRouteKey>(
  key: K,
  accept: string,
  ...args: ArgsTuple<K>
): Promise<Download> {
  const a: { params?: unknown; query?: unknown; signal?: AbortSignal } = args[0] ?? {};
  const { path } = pathOf(key, a.params as Record<string, string | number> | undefined);
  const response = await send('GET', path, {
    query: a.query as Query | undefined,
    accept: `${accept}, application/problem+json`,
    signal: a.signal,
  });
  return {
    blob: await response.blob(),
    fileName: fileNameOf(response.headers.get('content-disposition')),
    headers: response.headers,
  };
}
