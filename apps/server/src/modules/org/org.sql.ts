/**
 * SQL expressions over the org module's tables for other modules' queries (issue 11): a list that
 * shows an organisation's or an account's name, or filters by an organisation's division, puts one
 * of these in its own query (a correlated sub-select on a primary key) instead of naming
 * `organisations` or `accounts` itself. The org module alone knows its tables and columns.
 */
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { OrgKind, OrgLevel } from '../../db/database.types.ts';

/** The name of the organisation `orgId`. */
export const orgNameOf = (orgId: Expression<unknown>): RawBuilder<string> =>
  sql<string>`(select name from organisations where id = ${orgId})`;

/** The level (`city`, `district`) of the organisation `orgId`. */
export const orgLevelOf = (orgId: Expression<unknown>): RawBuilder<OrgLevel> =>
  sql<OrgLevel>`(select level from organisations where id = ${orgId})`;

/** The kind (`authority`, `department`, …) of the organisation `orgId`. */
export const orgKindOf = (orgId: Expression<unknown>): RawBuilder<OrgKind> =>
  sql<OrgKind>`(select kind from organisations where id = ${orgId})`;

/** The division code of the organisation `orgId`. */
export const orgDivisionOf = (orgId: Expression<unknown>): RawBuilder<string> =>
  sql<string>`(select division_code from organisations where id = ${orgId})`;

/** The username of the account `accountId` (null when there is none). */
export const usernameOf = (accountId: Expression<unknown>): RawBuilder<string | null> =>
  sql<string | null>`(select username from accounts where id = ${accountId})`;

/**
 * Organisations with their division's name, as a sub-query to join (`.innerJoin(organisationsView(db).as('o'), …)`):
 * for queries that filter or group by an organisation's division, such as the catalog's search and
 * facets. PostgreSQL inlines it, so the plan is the join it replaces.
 */
export function organisationsView(db: Db) {
  return db
    .selectFrom('organisations as org')
    .innerJoin('divisions as division', 'division.code', 'org.division_code')
    .select([
      'org.id',
      'org.name',
      'org.kind',
      'org.level',
      'org.division_code',
      'division.name as division_name',
    ]);
}
