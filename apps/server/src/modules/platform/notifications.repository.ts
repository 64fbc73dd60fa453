/**
 * The SQL of the inbox: notifications (to an organisation's holders of a role, or to one account)
 * and who read them. Every function takes the database or a transaction first: a notification is
 * written in the transaction of the action it tells of.
 */
import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { NotificationsTable } from '../../db/database.types.ts';

/** Whose inbox: a staff member of an organisation, with their roles. */
export interface InboxOwner {
  orgId: string;
  accountId: string;
  roles: readonly string[];
}

export async function insertNotification(db: Db, values: Insertable<NotificationsTable>): Promise<void> {
  await db.insertInto('notifications').values(values).execute();
}

/** The notifications in the owner's inbox: to their organisation, and to one of their roles or to them. */
function inboxOf(db: Db, owner: InboxOwner) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('notification_reads as r', (j) =>
      j.onRef('r.notification_id', '=', 'n.id').on('r.account_id', '=', owner.accountId),
    )
    .where('n.org_id', '=', owner.orgId)
    .where((eb) =>
      eb.and([
        eb.or([
          eb('n.role', 'is', null),
          eb('n.role', 'in', owner.roles.length > 0 ? [...owner.roles] : ['-']),
        ]),
        eb.or([eb('n.account_id', 'is', null), eb('n.account_id', '=', owner.accountId)]),
      ]),
    );
}

/** The newest `limit` notifications of the inbox (only the unread ones with `unreadOnly`). */
export async function inboxItems(db: Db, owner: InboxOwner, unreadOnly: boolean, limit: number) {
  let q = inboxOf(db, owner).select([
    'n.id',
    'n.kind',
    'n.title_zh',
    'n.title_en',
    'n.link',
    'n.detail',
    'n.created_at',
    'r.read_at',
  ]);
  if (unreadOnly) q = q.where('r.read_at', 'is', null);
  return q.orderBy('n.created_at', 'desc').limit(limit).execute();
}

/** How many notifications of the inbox are unread. */
export async function unreadCount(db: Db, owner: InboxOwner): Promise<number> {
  const unread = await inboxOf(db, owner)
    .where('r.read_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(unread.n);
}

/** Whether the notification `id` is in the owner's inbox. */
export async function isInInbox(db: Db, owner: InboxOwner, id: string): Promise<boolean> {
  const visible = await inboxOf(db, owner).select('n.id').where('n.id', '=', id).executeTakeFirst();
  return visible !== undefined;
}

/** Records that the account read the notification (once). */
export async function insertRead(db: Db, notificationId: string, accountId: string): Promise<void> {
  await db
    .insertInto('notification_reads')
    .values({ notification_id: notificationId, account_id: accountId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
