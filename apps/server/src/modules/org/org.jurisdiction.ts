/**
 * Organisations by jurisdiction, for the overviews that authorities follow (catalog upkeep, data
 * quality): which providing organisations a scope covers. Which authority supervises one is the
 * policy's `supervisorOf`.
 */
import type { Db } from '../../db/database.ts';
import { invalidField, outsideJurisdictionField } from '../../shared/errors.ts';
import type { Jurisdiction, OrgRef } from '../../shared/policy.ts';

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

/**
 * Checks a list's organisation scope parameter (`?orgId=`): an unknown organisation is a 400, one
 * that `admits` (a rule of the policy module) refuses a 403, both naming the field — never answered
 * as an empty list or for the caller's own scope instead.
 */
export async function assertScopeOrg(
  db: Db,
  orgId: string | undefined,
  admits: (org: OrgRef) => boolean,
  field = 'orgId',
): Promise<void> {
  if (orgId === undefined) return;
  const org = await findOrgRef(db, orgId);
  if (!org) throw invalidField(field, '机构不存在', 'is not a known organisation');
  if (!admits(org)) throw outsideJurisdictionField(field);
}
