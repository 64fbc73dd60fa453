import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { IdParams, NoContent, responses } from '../../shared/schemas.ts';
import { inbox, markRead } from './notifications.ts';
import { Inbox, InboxQuery } from '@huitong/contract/platform';

/** A staff member's inbox of notifications. */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;

  app.get(
    '/notifications',
    {
      config: { policy: 'staffPerson' },
      schema: {
        tags: ['notifications'],
        summary: 'Your inbox / 消息',
        querystring: InboxQuery,
        response: responses({ 200: Inbox }),
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new ForbiddenError();
      const { items, unread } = await inbox(db, p, request.query.unread ?? false, request.query.limit ?? 50);
      return {
        unread,
        items: items.map((n) => ({
          id: n.id,
          kind: n.kind,
          title: { zh: n.title_zh, en: n.title_en },
          link: n.link,
          detail: n.detail,
          createdAt: n.created_at.toISOString(),
          read: n.read_at !== null,
        })),
      };
    },
  );
  app.post(
    '/notifications/:id/read',
    {
      config: { policy: 'staffPerson' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark read / 标记已读',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind !== 'staff') throw new ForbiddenError();
      if (!(await markRead(db, p, request.params.id)))
        throw new NotFoundError({ zh: '消息', en: 'Notification' });
      return reply.code(204).send();
    },
  );
};
