import type { Db, Trx } from '../../db/database.ts';
import { sql, type Selectable } from 'kysely';
import type {
  DivisionKind,
  NewOrganisation,
  OrgKind,
  OrganisationUpdate,
  OrganisationsTable,
} from '../../db/database.types.ts';
import type { Jurisdiction, OrgRef } from '../../shared/policy.ts';
import { containsPattern } from '../../shared/sql.ts';

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

export async function insertDivisions(
  db: Db,
  ds: readonly { code: string; name: string; kind: DivisionKind; parent_code: string | null }[],
) {
  await db
    .insertInto('divisions')
    .values([...ds])
    .execute();
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

/** Serialises changes of parent organisations, so that two concurrent changes cannot close a cycle. */
export async function lockOrgTree(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ORG_TREE_LOCK})`.execute(trx);
}
const ORG_TREE_LOCK = 0x4854545245; // "HTTRE"

/** The ids of an organisation and its ancestors, nearest first (at most 100 levels: old data may loop). */
export async function lineage(db: Db, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive up (id, parent_id, depth) as (
      select id, parent_id, 0 from organisations where id = ${id}
      union all
      select o.id, o.parent_id, up.depth + 1 from organisations o join up on o.id = up.parent_id
      where up.depth < 100
    )
    select id from up order by depth`.execute(db);
  return r.rows.map((row) => row.id);
}

/** The organisations whose parent is this one. */
export async function childrenOf(db: Db, id: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind', 'level', 'division_code'])
    .where('parent_id', '=', id)
    .orderBy('name')
    .execute();
}

/** Whether there is any organisation (the platform was set up). */
export async function hasOrganisations(db: Db): Promise<boolean> {
  const row = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Serialises the first start's set-up across processes (one bootstraps, the others find it done). */
export async function lockBootstrap(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
}
const BOOTSTRAP_LOCK = 0x48544253; // "HTBS"

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
  // Locked means: some client address is paused for this account (see the sign-in throttle below).
  sql<Date | null>`(select max(t.locked_until) from sign_in_pairs t where t.username = a.username and t.locked_until > now())`.as(
    'locked_until',
  ),
  sql<
    string[]
  >`coalesce((select array_agg(t.ip order by t.ip) from sign_in_pairs t where t.username = a.username and t.locked_until > now()), '{}')`.as(
    'locked_addresses',
  ),
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
    last_sign_in_at: Date;
  }>,
) {
  await db
    .updateTable('accounts')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Gives a new account its roles. */
export async function addAccountRoles(db: Db, accountId: string, roles: readonly string[]) {
  await db
    .insertInto('account_roles')
    .values(roles.map((role) => ({ account_id: accountId, role })))
    .execute();
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

// ---------- sign-in throttle ----------
// Failed sign-ins are counted per (user name, client address) pair and per user name; rows exist for
// names that match no account too, so that such names behave exactly like known ones.

export async function findPair(db: Db, username: string, ip: string) {
  return db
    .selectFrom('sign_in_pairs')
    .select(['failures', 'locked_until'])
    .where('username', '=', username)
    .where('ip', '=', ip)
    .executeTakeFirst();
}

/**
 * Counts one failure of the pair, starting a new window when the current one began before
 * `windowStart`; returns the failures of the window.
 */
export async function countPairFailure(
  db: Db,
  username: string,
  ip: string,
  now: Date,
  windowStart: Date,
): Promise<number> {
  const r = await db
    .insertInto('sign_in_pairs')
    .values({ username, ip, failures: 1, window_started_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['username', 'ip']).doUpdateSet({
        failures: sql<number>`case when sign_in_pairs.window_started_at < ${windowStart} then 1 else sign_in_pairs.failures + 1 end`,
        window_started_at: sql<Date>`case when sign_in_pairs.window_started_at < ${windowStart} then ${now} else sign_in_pairs.window_started_at end`,
        updated_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return r.failures;
}

/**
 * Pauses the pair until `until` if its failures reached `threshold`, and starts a new window. True
 * only for the one caller that paused it (concurrent callers re-read the reset count).
 */
export async function lockPair(
  db: Db,
  username: string,
  ip: string,
  threshold: number,
  now: Date,
  until: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('sign_in_pairs')
    .set({ locked_until: until, failures: 0, window_started_at: now, updated_at: now })
    .where('username', '=', username)
    .where('ip', '=', ip)
    .where('failures', '>=', threshold)
    .returning('username')
    .executeTakeFirst();
  return r !== undefined;
}

/** Counts one failure of a user name from any address; returns the failures of its window. */
export async function countNameFailure(
  db: Db,
  username: string,
  now: Date,
  windowStart: Date,
): Promise<number> {
  const r = await db
    .insertInto('sign_in_names')
    .values({ username, failures: 1, window_started_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({
        failures: sql<number>`case when sign_in_names.window_started_at < ${windowStart} then 1 else sign_in_names.failures + 1 end`,
        window_started_at: sql<Date>`case when sign_in_names.window_started_at < ${windowStart} then ${now} else sign_in_names.window_started_at end`,
        updated_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return r.failures;
}

/**
 * Records that the holder and administrators were told of a lock (or an attack) on the name; true
 * unless they were already told since `since`, so that each period notifies once.
 */
export async function claimNotice(
  db: Db,
  username: string,
  kind: 'lock' | 'attack',
  now: Date,
  since: Date,
): Promise<boolean> {
  const column = kind === 'lock' ? 'lock_notified_at' : 'attack_notified_at';
  const r = await db
    .updateTable('sign_in_names')
    .set({ [column]: now })
    .where('username', '=', username)
    .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<', since)]))
    .returning('username')
    .executeTakeFirst();
  return r !== undefined;
}

/** A successful sign-in clears its own pair only: other addresses' failures still count. */
export async function clearPair(db: Db, username: string, ip: string) {
  await db.deleteFrom('sign_in_pairs').where('username', '=', username).where('ip', '=', ip).execute();
}

/** An administrator's unlock or password reset lifts every pause of the name. */
export async function clearThrottle(db: Db, username: string) {
  await db.deleteFrom('sign_in_pairs').where('username', '=', username).execute();
  await db.deleteFrom('sign_in_names').where('username', '=', username).execute();
}

/** Forgets counters untouched since `before` whose pause (if any) is over. */
export async function deleteStaleThrottle(db: Db, before: Date, now: Date) {
  await db
    .deleteFrom('sign_in_pairs')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute();
  await db.deleteFrom('sign_in_names').where('updated_at', '<', before).execute();
}

/** The active authorities, for finding the one that supervises an organisation. */
export async function activeAuthorities(db: Db) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'level', 'division_code'])
    .where('kind', '=', 'authority')
    .where('active', '=', true)
    .orderBy('created_at')
    .execute();
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

/** A session with its account, the account's organisation and roles: one statement on every request. */
export async function findSessionPrincipal(db: Db, sessionId: string) {
  const row = await db
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
      sql<string[]>`array(select r.role::text from account_roles r where r.account_id = a.id)::text[]`.as(
        'roles',
      ),
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  return row && { ...row, roles: [...row.roles].sort() };
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

// ---------- organisations and accounts as other modules read them (index.ts) ----------

export interface ProvidingOrg {
  id: string;
  name: string;
  kind: string;
  level: string;
  division_code: string;
}

/** The active departments and enterprises of a scope, city-level first, by name. */
export async function providingOrgsIn(db: Db, scope: Jurisdiction): Promise<ProvidingOrg[]> {
  let q = db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind', 'level', 'division_code'])
    .where('active', '=', true)
    .where('kind', 'in', ['department', 'enterprise']);
  if (scope.scope === 'division') q = q.where('division_code', '=', scope.divisionCode);
  if (scope.scope === 'org') q = q.where('id', '=', scope.orgId);
  return q.orderBy('level').orderBy('name').execute();
}

/** Every organisation, active or not, with its name, level and division. */
export async function allOrganisations(db: Db) {
  return db.selectFrom('organisations').select(['id', 'name', 'kind', 'level', 'division_code']).execute();
}

/** One organisation with its name, level and division, active or not; undefined when there is none. */
export async function orgById(db: Db, id: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind', 'level', 'division_code'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The usernames of accounts by id (for lists that show who did something); unknown ids are left out. */
export async function usernames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('accounts').select(['id', 'username']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.username]));
}

/** An organisation as the policy module sees it, or undefined when there is none with this id. */
export async function findOrgRef(db: Db, id: string): Promise<OrgRef | undefined> {
  const row = await db
    .selectFrom('organisations')
    .select(['id', 'kind', 'level', 'division_code'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, kind: row.kind, level: row.level, divisionCode: row.division_code };
}
