import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, SESSION_COOKIE, sessionCookieOptions } from '../../plugins/auth.ts';
import { NoContent, responses } from '../../shared/schemas.ts';
import { UnauthenticatedError } from '../../shared/errors.ts';
import * as auth from './auth.service.ts';
import { ChangePasswordBody, CurrentSession, Me, RegisterBody, SignInBody } from '@huitong/contract/org';
import { meDto } from './org.dto.ts';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cfg = app.config;
  const signInLimit = { max: cfg.signInRatePerMinute, timeWindow: 60_000 };

  app.post(
    '/auth/sign-in',
    {
      config: { policy: 'public', rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with user name and password / 登录',
        body: SignInBody,
        response: responses({ 200: Me }),
      },
    },
    async (request, reply) => {
      const { token, principal } = await auth.signIn(
        app.db,
        cfg,
        request.body,
        request.ip,
        request.headers['user-agent'] ?? null,
      );
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(cfg));
      return meDto(principal);
    },
  );

  app.post(
    '/auth/register',
    {
      config: { policy: 'public', rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Register a public account (自然人 / 法人和其他组织) / 公众注册',
        body: RegisterBody,
        response: responses({ 201: Me }),
      },
    },
    async (request, reply) => {
      const { token, principal } = await auth.registerPublic(
        app.db,
        cfg,
        request.body,
        request.ip,
        request.headers['user-agent'] ?? null,
      );
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(cfg));
      return reply.code(201).send(meDto(principal));
    },
  );

  app.post(
    '/auth/sign-out',
    {
      config: { policy: 'person' },
      schema: { tags: ['auth'], summary: 'Sign out / 退出登录', response: responses({ 204: NoContent }) },
    },
    async (request, reply) => {
      await auth.signOut(app.db, actorOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      config: { policy: 'signedIn' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in account and its CSRF token / 当前账号',
        response: responses({ 200: Me }),
      },
    },
    async (request) => {
      if (!request.principal) throw new UnauthenticatedError();
      return meDto(request.principal);
    },
  );

  // The web asks this on every page load: an anonymous visitor is an answer, not an error (a 401
  // here made every anonymous page load log a failed request in the browser's console).
  app.get(
    '/auth/session',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Who is calling: the signed-in account, or null when anonymous / 当前会话',
        description:
          'Always 200: `{"me": Me}` for a signed-in caller (as `GET /api/auth/me`), `{"me": null}` for an anonymous one. `GET /api/auth/me` answers 401 to an anonymous caller.',
        response: responses({ 200: CurrentSession }),
      },
    },
    async (request) => ({ me: request.principal ? meDto(request.principal) : null }),
  );

  app.post(
    '/auth/password',
    {
      config: { policy: 'person' },
      schema: {
        tags: ['auth'],
        summary: 'Change your password / 修改密码',
        body: ChangePasswordBody,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await auth.changePassword(app.db, actorOf(request), request.body);
      return reply.code(204).send();
    },
  );
};
