import type { Db } from '../../db/database.ts';
import type { Principal } from '../../shared/principal.ts';
import type { Role } from '../../shared/roles.ts';
import * as repo from './notifications.repository.ts';

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

type Staff = Extract<Principal, { kind: 'staff' }>;

const ownerOf = (p: Staff): repo.InboxOwner => ({ orgId: p.org.id, accountId: p.accountId, roles: p.roles });

/** Puts a message in the inbox of an organisation's holders of a role. Call inside the action's transaction. */
export async function notify(db: Db, n: NotificationInput): Promise<void> {
  await repo.insertNotification(db, {
    org_id: n.orgId,
    role: n.role,
    account_id: n.accountId ?? null,
    kind: n.kind,
    title_zh: n.title.zh,
    title_en: n.title.en,
    link: n.link ?? null,
    detail: JSON.stringify(n.detail ?? {}),
  });
}

export async function inbox(db: Db, p: Staff, unreadOnly: boolean, limit: number) {
  const owner = ownerOf(p);
  const [items, unread] = await Promise.all([
    repo.inboxItems(db, owner, unreadOnly, limit),
    repo.unreadCount(db, owner),
  ]);
  return { items, unread };
}

/** Marks a notification read for this person; false if it is not in their inbox. */
export async function markRead(db: Db, p: Staff, id: string): Promise<boolean> {
  if (!(await repo.isInInbox(db, ownerOf(p), id))) return false;
  await repo.insertRead(db, id, p.accountId);
  return true;
}
