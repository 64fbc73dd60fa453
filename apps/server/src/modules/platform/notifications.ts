import type { Db } from '../../db/database.ts';
import type { Principal } from '../../shared/principal.ts';
import type { Role } from '../../shared/roles.ts';

export interface NotificationInput {
  orgId: string;
  /** Every holder of this role in the organisation; null for everyone in it. */
  role: Role | null;
  /** Only this account of the organisation (with `role: null`). */
  accountId?: string;
  kind: string;
  title: { zh: string; en: string };
  link?: string;
  detail?: Record<string, unknown>;
}

/** Puts a message in the inbox of an organisation's holders of a role. Call inside the action's transaction. */
export async function notify(db: Db, n: NotificationInput): Promise<void> {
  await db
    .insertInto('notifications')
    .values({
      org_id: n.orgId,
      role: n.role,
      account_id: n.accountId ?? null,
      kind: n.kind,
      title_zh: n.title.zh,
      title_en: n.title.en,
      link: n.link ?? null,
      detail: JSON.stringify(n.detail ?? {}),
    })
    .execute();
}

function inboxOf(db: Db, p: Extract<Principal, { kind: 'staff' }>) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('notification_reads as r', (j) =>
      j.onRef('r.notification_id', '=', 'n.id').on('r.account_id', '=', p.accountId),
    )
    .where('n.org_id', '=', p.org.id)
    .where((eb) =>
      eb.and([
        eb.or([eb('n.role', 'is', null), eb('n.role', 'in', p.roles.length > 0 ? p.roles : ['-'])]),
        eb.or([eb('n.account_id', 'is', null), eb('n.account_id', '=', p.accountId)]),
      ]),
    );
}

export async function inbox(
  db: Db,
  p: Extract<Principal, { kind: 'staff' }>,
  unreadOnly: boolean,
  limit: number,
) {
  let q = inboxOf(db, p).select([
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
  const [items, unread] = await Promise.all([
    q.orderBy('n.created_at', 'desc').limit(limit).execute(),
    inboxOf(db, p)
      .where('r.read_at', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, unread: Number(unread.n) };
}

/** Marks a notification read for this person; false if it is not in their inbox. */
export async function markRead(
  db: Db,
  p: Extract<Principal, { kind: 'staff' }>,
  id: string,
): Promise<boolean> {
  const visible = await inboxOf(db, p).select('n.id').where('n.id', '=', id).executeTakeFirst();
  if (!visible) return false;
  await db
    .insertInto('notification_reads')
    .values({ notification_id: id, account_id: p.accountId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return true;
}
