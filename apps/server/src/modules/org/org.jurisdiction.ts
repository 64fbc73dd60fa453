/**
 * Organisations by jurisdiction, for the overviews that authorities follow (catalog upkeep, data
 * quality): which providing organisations a scope covers, and which authority supervises one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.types.ts';
import type { Jurisdiction } from '../../shared/policy.ts';

export interface ProvidingOrg {
  id: string;
  name: string;
  kind: string;
  level: string;
  division_code: string;
}

/** The active departments and enterprises of a scope, city-level first, by name. */
export async function providingOrgsIn(db: Kysely<Database>, scope: Jurisdiction): Promise<ProvidingOrg[]> {
  let q = db
    .selectFrom('organisations')
    .select(['id', 'name', 'kind', 'level', 'division_code'])
    .where('active', '=', true)
    .where('kind', 'in', ['department', 'enterprise']);
  if (scope.scope === 'division') q = q.where('division_code', '=', scope.divisionCode);
  if (scope.scope === 'org') q = q.where('id', '=', scope.orgId);
  return q.orderBy('level').orderBy('name').execute();
}

/**
 * The authority that supervises an organisation: a district organisation's district authority
 * (else the city's), a city organisation's city authority.
 */
export function supervisorOf<A extends { level: string; division_code: string }>(
  org: { level: string; division_code: string },
  authorities: readonly A[],
): A | undefined {
  const city = authorities.find((a) => a.level === 'city');
  if (org.level !== 'district') return city;
  return authorities.find((a) => a.level === 'district' && a.division_code === org.division_code) ?? city;
}
