import type { Db, Trx } from '../../db/database.ts';
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { AuditRow } from '../../db/database.types.ts';
import type { Jurisdiction } from '../../shared/policy.ts';
import { prefixPattern } from '../../shared/sql.ts';

/** Serialises appends across every connection and server process sharing the database. */
export async function lockChain(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
}
// An arbitrary constant shared by every Huitong process ("HTAUDIT" in ASCII, fits in int8).
const AUDIT_LOCK_KEY = 0x48544155444954;

export async function lastEntry(trx: Trx): Promise<{ seq: number; hash: string } | undefined> {
  return trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertEntry(
  trx: Trx,
  row: Omit<AuditRow, 'detail'> & { detail: string },
): Promise<void> {
  await trx.insertInto('audit_log').values(row).execute();
}

/** Whether the trail holds an entry of this action (a one-time step that marks itself done). */
export async function hasAction(db: Db, action: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('seq')
    .where('action', '=', action)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  orgId?: string | undefined;
  result?: 'success' | 'failure' | 'denied' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  scope: Jurisdiction;
}

/** SQL pieces over org's tables, from the org module (security names none of its tables). */
export interface OrgSql {
  orgNameOf: (orgId: Expression<unknown>) => RawBuilder<string>;
  orgDivisionOf: (orgId: Expression<unknown>) => RawBuilder<string>;
}

function filtered(db: Db, f: AuditFilter, org: OrgSql) {
  let q = db.selectFrom('audit_log');
  if (f.action) q = q.where('audit_log.action', 'like', prefixPattern(f.action));
  if (f.actorId) q = q.where('audit_log.actor_id', '=', f.actorId);
  if (f.orgId) q = q.where('audit_log.org_id', '=', f.orgId);
  if (f.result) q = q.where('audit_log.result', '=', f.result);
  if (f.from) q = q.where('audit_log.at', '>=', new Date(f.from));
  if (f.to) q = q.where('audit_log.at', '<', new Date(f.to));
  const scope = f.scope;
  if (scope.scope === 'division')
    q = q.where(org.orgDivisionOf(sql.ref('audit_log.org_id')), '=', scope.divisionCode);
  if (scope.scope === 'org') q = q.where('audit_log.org_id', '=', scope.orgId);
  return q;
}

export async function listEntries(db: Db, f: AuditFilter, org: OrgSql, offset: number, limit: number) {
  const [rows, count] = await Promise.all([
    filtered(db, f, org)
      .selectAll('audit_log')
      .select(sql<string | null>`${org.orgNameOf(sql.ref('audit_log.org_id'))}`.as('org_name'))
      .orderBy('audit_log.seq', 'desc')
      .offset(offset)
      .limit(limit)
      .execute(),
    filtered(db, f, org)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Entries in chain order, a page at a time, for verification. */
export async function chainPage(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
