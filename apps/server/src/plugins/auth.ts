import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import type { Principal } from '../shared/principal.ts';
import { AppError } from '../shared/errors.ts';
import { safeEqual } from '../shared/crypto.ts';
import type { Actor } from '../shared/principal.ts';

export const SESSION_COOKIE = 'huitong_sid';
export const CSRF_HEADER = 'x-csrf-token';

export function sessionCookieOptions(cfg: Pick<Config, 'cookieSecure'>) {
  return { path: '/', httpOnly: true, secure: cfg.cookieSecure, sameSite: 'lax' as const };
}

export function actorOf(request: FastifyRequest): Actor {
  return { principal: request.principal, ip: request.ip };
}

class CsrfError extends AppError {
  constructor() {
    super('csrf', 403, {
      zh: '缺少或错误的 CSRF 令牌（请求头 x-csrf-token）',
      en: 'Missing or wrong CSRF token (header x-csrf-token)',
    });
  }
}

class BadCredentialError extends AppError {
  constructor() {
    super('invalid_api_credential', 401, {
      zh: 'API 凭证无效、已过期或已吊销',
      en: 'The API credential is invalid, expired or revoked',
    });
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How callers are recognised; the org module provides both (app.ts passes them in). */
export interface AuthOptions {
  /** The principal of an API credential `<keyId>.<secret>`, or null when it is not valid. */
  resolveCredential: (token: string) => Promise<Principal | null>;
  /** The principal of a session token, or null when the session is unknown or expired. */
  resolveSession: (token: string) => Promise<Principal | null>;
}

/**
 * Works out who is calling: a department system with `Authorization: Bearer <keyId>.<secret>`, or a
 * person with the session cookie. Cookie-authenticated state changes must carry the session's CSRF
 * token. Runs before the policy check.
 */
export const authPlugin = fp(async (app: FastifyInstance, options: AuthOptions) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const principal = match?.[1] ? await options.resolveCredential(match[1]) : null;
      if (!principal) throw new BadCredentialError();
      request.principal = principal;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const principal = await options.resolveSession(token);
    if (!principal || principal.kind === 'credential') return;
    if (UNSAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, principal.csrfToken)) throw new CsrfError();
    }
    request.principal = principal;
  });
});
