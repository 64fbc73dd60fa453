import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  Database,
  DivisionKind,
  NewOrganisation,
  OrgKind,
  OrganisationUpdate,
  OrganisationsTable,
} from '../../db/database.types.ts';
import type { Jurisdiction } from '../../shared/policy.ts';
import { containsPattern } from '../../shared/sql.ts';

export type Db = Kysely<Database>;

// ---------- divisions ----------

export async function listDivisions(db: Db) {
  return db.selectFrom('divisions').selectAll().orderBy('code').execute();
}

export async function findDivision(db: Db, code: string) {
  return db.selectFrom('divisions').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertDivision(
  db: Db,
  d: { code: string; name: string; kind: DivisionKind; parent_code: string | null },
) {
  await db.insertInto('divisions').values(d).execute();
}

export async function renameDivision(db: Db, code: string, name: string) {
  await db.updateTable('divisions').set({ name }).where('code', '=', code).execute();
}

// ---------- organisations ----------

export interface OrgFilter {
  kind?: OrgKind | undefined;
  divisionCode?: string | undefined;
  q?: string | undefined;
  active?: boolean | undefined;
}

function orgQuery(db: Db, f: OrgFilter) {
  let q = db
    .selectFrom('organisations as o')
    .innerJoin('divisions as d', 'd.code', 'o.division_code')
    .leftJoin('organisations as p', 'p.id', 'o.parent_id');
  if (f.kind) q = q.where('o.kind', '=', f.kind);
  if (f.divisionCode) q = q.where('o.division_code', '=', f.divisionCode);
  if (f.active !== undefined) q = q.where('o.active', '=', f.active);
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) =>
      eb.or([
        eb('o.name', 'ilike', like),
        eb('o.short_name', 'ilike', like),
        eb('o.credit_code', 'ilike', like),
      ]),
    );
  }
  return q;
}

const orgColumns = [
  'o.id',
  'o.name',
  'o.short_name',
  'o.kind',
  'o.level',
  'o.credit_code',
  'o.division_code',
  'd.name as division_name',
  'o.parent_id',
  'p.name as parent_name',
  'o.delegated',
  'o.contact_name',
  'o.contact_phone',
  'o.contact_email',
  'o.active',
  'o.created_at',
  'o.updated_at',
] as const;

export async function listOrgs(db: Db, f: OrgFilter, offset: number, limit: number) {
  const [rows, count] = await Promise.all([
    orgQuery(db, f)
      .select(orgColumns)
      .orderBy(
        sql`case o.kind when 'authority' then 0 when 'department' then 1 when 'enterprise' then 2 else 3 end`,
      )
      .orderBy('o.division_code')
      .orderBy('o.name')
      .offset(offset)
      .limit(limit)
      .execute(),
    orgQuery(db, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type OrgRow = Awaited<ReturnType<typeof listOrgs>>['rows'][number];

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  return db
    .selectFrom('organisations as o')
    .innerJoin('divisions as d', 'd.code', 'o.division_code')
    .leftJoin('organisations as p', 'p.id', 'o.parent_id')
    .select(orgColumns)
    .where('o.id', '=', id)
    .executeTakeFirst();
}

export async function findOrgByCreditCode(db: Db, creditCode: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('credit_code', '=', creditCode)
    .executeTakeFirst();
}

export async function findOrgByName(db: Db, divisionCode: string, name: string) {
  return db
    .selectFrom('organisations')
    .select(['id'])
    .where('division_code', '=', divisionCode)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function insertOrg(db: Db, org: NewOrganisation): Promise<Selectable<OrganisationsTable>> {
  return db.insertInto('organisations').values(org).returningAll().executeTakeFirstOrThrow();
}

export async function updateOrg(db: Db, id: string, patch: OrganisationUpdate) {
  await db
    .updateTable('organisations')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function countOrgs(db: Db) {
  const r = await db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------- accounts ----------

export interface AccountFilter {
  orgId?: string | undefined;
  q?: string | undefined;
  scope: Jurisdiction;
}

function accountQuery(db: Db, f: AccountFilter) {
  let q = db
    .selectFrom('accounts as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .where('a.kind', '=', 'staff');
  if (f.orgId) q = q.where('a.org_id', '=', f.orgId);
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) => eb.or([eb('a.username', 'ilike', like), eb('a.display_name', 'ilike', like)]));
  }
  const s = f.scope;
  if (s.scope === 'division')
    q = q.where('o.division_code', '=', s.divisionCode).where('o.level', '=', 'district');
  if (s.scope === 'org') q = q.where('a.org_id', '=', s.orgId);
  return q;
}

const accountColumns = [
  'a.id',
  'a.username',
  'a.display_name',
  'a.kind',
  'a.org_id',
  'o.name as org_name',
  'a.status',
  'a.locked_until',
  'a.failed_attempts',
  'a.last_sign_in_at',
  'a.phone',
  'a.email',
  'a.must_change_password',
  'a.created_at',
  sql<
    string[]
  >`coalesce((select array_agg(r.role order by r.role) from account_roles r where r.account_id = a.id), '{}')`.as(
    'roles',
  ),
] as const;

export async function listAccounts(db: Db, f: AccountFilter, offset: number, limit: number) {
  const [rows, count] = await Promise.all([
    accountQuery(db, f)
      .select(accountColumns)
      .orderBy('o.name')
      .orderBy('a.username')
      .offset(offset)
      .limit(limit)
      .execute(),
    accountQuery(db, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type AccountRow = Awaited<ReturnType<typeof listAccounts>>['rows'][number];

export async function findStaffAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts as a')
    .innerJoin('organisations as o', 'o.id', 'a.org_id')
    .select(accountColumns)
    .where('a.id', '=', id)
    .executeTakeFirst();
}

export async function findAccountByUsername(db: Db, username: string) {
  return db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findAccountById(db: Db, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAccount(
  db: Db,
  a: {
    kind: 'staff' | 'public';
    username: string;
    display_name: string;
    org_id: string | null;
    public_type: 'natural' | 'legal' | null;
    credit_code?: string | null;
    phone?: string | null;
    email?: string | null;
    password_hash: string;
    must_change_password?: boolean;
  },
) {
  return db.insertInto('accounts').values(a).returning('id').executeTakeFirstOrThrow();
}

export async function updateAccount(
  db: Db,
  id: string,
  patch: Partial<{
    display_name: string;
    status: 'active' | 'disabled';
    phone: string | null;
    email: string | null;
    password_hash: string;
    must_change_password: boolean;
    password_changed_at: Date;
    failed_attempts: number;
    locked_until: Date | null;
    last_sign_in_at: Date;
  }>,
) {
  await db
    .updateTable('accounts')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Counts a failed sign-in atomically; returns the new count. */
export async function incrementFailures(db: Db, id: string): Promise<number> {
  const r = await db
    .updateTable('accounts')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('failed_attempts')
    .executeTakeFirstOrThrow();
  return r.failed_attempts;
}

export async function accountRoles(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account_roles')
    .select('role')
    .where('account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.role).sort();
}

export async function setAccountRoles(db: Db, accountId: string, roles: readonly string[]) {
  await db.deleteFrom('account_roles').where('account_id', '=', accountId).execute();
  if (roles.length > 0) {
    await db
      .insertInto('account_roles')
      .values(roles.map((role) => ({ account_id: accountId, role })))
      .execute();
  }
}

// ---------- sessions ----------

export async function insertSession(
  db: Db,
  s: {
    id: string;
    account_id: string;
    csrf_token: string;
    ip: string;
    user_agent: string | null;
    expires_at: Date;
  },
) {
  await db.insertInto('sessions').values(s).execute();
}

export async function findSessionPrincipal(db: Db, sessionId: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('organisations as o', 'o.id', 'a.org_id')
    .select([
      's.id as session_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'a.id as account_id',
      'a.kind',
      'a.username',
      'a.display_name',
      'a.public_type',
      'a.status',
      'a.must_change_password',
      'o.id as org_id',
      'o.name as org_name',
      'o.kind as org_kind',
      'o.level as org_level',
      'o.division_code',
      'o.active as org_active',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

export async function touchSession(db: Db, sessionId: string, expiresAt: Date) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: new Date(), expires_at: expiresAt })
    .where('id', '=', sessionId)
    .execute();
}

export async function deleteSession(db: Db, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteSessionsOf(db: Db, accountId: string, exceptSessionId?: string) {
  let q = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db) {
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
}

// ---------- API credentials ----------

const credentialColumns = [
  'c.id',
  'c.key_id',
  'c.name',
  'c.org_id',
  'o.name as org_name',
  'c.roles',
  'c.created_by',
  'a.username as created_by_name',
  'c.created_at',
  'c.expires_at',
  'c.revoked_at',
  'c.last_used_at',
] as const;

function credentialQuery(db: Db) {
  return db
    .selectFrom('api_credentials as c')
    .innerJoin('organisations as o', 'o.id', 'c.org_id')
    .innerJoin('accounts as a', 'a.id', 'c.created_by');
}

export async function listCredentials(db: Db, f: { orgId?: string | undefined; scope: Jurisdiction }) {
  let q = credentialQuery(db).select(credentialColumns);
  if (f.orgId) q = q.where('c.org_id', '=', f.orgId);
  const s = f.scope;
  if (s.scope === 'division')
    q = q.where('o.division_code', '=', s.divisionCode).where('o.level', '=', 'district');
  if (s.scope === 'org') q = q.where('c.org_id', '=', s.orgId);
  return q.orderBy('c.created_at', 'desc').execute();
}

export type CredentialRow = Awaited<ReturnType<typeof listCredentials>>[number];

export async function findCredential(db: Db, id: string): Promise<CredentialRow | undefined> {
  return credentialQuery(db).select(credentialColumns).where('c.id', '=', id).executeTakeFirst();
}

export async function insertCredential(
  db: Db,
  c: {
    key_id: string;
    secret_hash: string;
    name: string;
    org_id: string;
    roles: string[];
    created_by: string;
    expires_at: Date | null;
  },
) {
  return db.insertInto('api_credentials').values(c).returning('id').executeTakeFirstOrThrow();
}

export async function revokeCredential(db: Db, id: string, by: string) {
  await db
    .updateTable('api_credentials')
    .set({ revoked_at: new Date(), revoked_by: by })
    .where('id', '=', id)
    .execute();
}

export async function findCredentialPrincipal(db: Db, keyId: string) {
  return db
    .selectFrom('api_credentials as c')
    .innerJoin('organisations as o', 'o.id', 'c.org_id')
    .select([
      'c.id',
      'c.key_id',
      'c.secret_hash',
      'c.name',
      'c.roles',
      'c.expires_at',
      'c.revoked_at',
      'c.last_used_at',
      'o.id as org_id',
      'o.name as org_name',
      'o.kind as org_kind',
      'o.level as org_level',
      'o.division_code',
      'o.active as org_active',
    ])
    .where('c.key_id', '=', keyId)
    .executeTakeFirst();
}

export async function touchCredential(db: Db, id: string) {
  await db.updateTable('api_credentials').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}
