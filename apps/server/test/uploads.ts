import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Session } from './app.ts';

/** Who calls: a person's session, a system's credential, or nobody. */
export type Caller = Session | { token: string } | null;

export function authHeaders(caller: Caller): Record<string, string> {
  if (caller === null) return {};
  if ('token' in caller) return { authorization: `Bearer ${caller.token}` };
  return { cookie: caller.cookie, 'x-csrf-token': caller.csrf };
}

/** tus Upload-Metadata: keys with base64 values. */
export const tusMetadata = (meta: Record<string, string>) =>
  Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');

export const TUS = { 'tus-resumable': '1.0.0' };

export function tusCreate(
  app: FastifyInstance,
  caller: Caller,
  meta: Record<string, string>,
  size: number,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/provision/uploads',
    headers: {
      ...authHeaders(caller),
      ...TUS,
      'upload-length': String(size),
      'upload-metadata': tusMetadata(meta),
    },
  });
}

export function tusPatch(
  app: FastifyInstance,
  caller: Caller,
  uploadId: string,
  offset: number,
  bytes: Buffer,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'PATCH',
    url: `/api/provision/uploads/${uploadId}`,
    headers: {
      ...authHeaders(caller),
      ...TUS,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    payload: bytes,
  });
}

export function tusHead(app: FastifyInstance, caller: Caller, uploadId: string) {
  return app.inject({
    method: 'HEAD',
    url: `/api/provision/uploads/${uploadId}`,
    headers: { ...authHeaders(caller), ...TUS },
  });
}

/** The upload id from a creation's Location. */
export function uploadIdOf(res: LightMyRequestResponse): string {
  const location = res.headers.location;
  if (res.statusCode !== 201 || typeof location !== 'string')
    throw new Error(`tus creation failed: ${res.statusCode} ${res.body}`);
  return location.slice(location.lastIndexOf('/') + 1);
}

/** A whole tus upload in chunks; answers its id. */
export async function tusUpload(
  app: FastifyInstance,
  caller: Caller,
  meta: Record<string, string>,
  bytes: Buffer,
  chunk = 256 * 1024,
): Promise<string> {
  const id = uploadIdOf(await tusCreate(app, caller, meta, bytes.length));
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const res = await tusPatch(app, caller, id, offset, bytes.subarray(offset, offset + chunk));
    if (res.statusCode !== 204) throw new Error(`tus PATCH failed: ${res.statusCode} ${res.body}`);
  }
  return id;
}
