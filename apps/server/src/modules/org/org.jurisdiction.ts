/**
 * The check of a list's organisation scope parameter, for the overviews that authorities follow
 * (catalog upkeep, data quality). The organisations a scope covers are read by org.repository.ts
 * (`providingOrgsIn`); which authority supervises one is the policy's `supervisorOf`.
 */
import type { Db } from '../../db/database.ts';
import { invalidField, outsideJurisdictionField } from '../../shared/errors.ts';
import type { OrgRef } from '../../shared/policy.ts';
import { findOrgRef } from './org.repository.ts';

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
