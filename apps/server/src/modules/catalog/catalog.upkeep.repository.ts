/**
 * The SQL of catalog upkeep: the authorities' schedules, the published entries and their repealed
 * legal bases, re-confirmation and the flags already sent. Every function takes the database or a
 * transaction first; catalog.upkeep.ts keeps the rules, the notifications and the audit.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { UpkeepStatus } from '@huitong/contract/values';

/** The upkeep settings the authorities set (none for an authority that set none). */
export async function upkeepSettings(db: Db, authorityIds: readonly string[]) {
  if (authorityIds.length === 0) return [];
  return db
    .selectFrom('catalog_upkeep_settings')
    .select(['authority_id', 'interval_days', 'notice_days'])
    .where('authority_id', 'in', [...authorityIds])
    .execute();
}

/** Writes an authority's upkeep settings, over any it had. */
export async function saveUpkeepSettings(
  db: Db,
  authorityId: string,
  values: { interval_days: number; notice_days: number; updated_by: string | null; updated_at: Date },
): Promise<void> {
  await db
    .insertInto('catalog_upkeep_settings')
    .values({ authority_id: authorityId, ...values })
    .onConflict((oc) => oc.column('authority_id').doUpdateSet(values))
    .execute();
}

/** The published entries of the organisations, with their published version's name. */
export async function publishedEntriesOf(db: Db, orgIds: readonly string[]) {
  if (orgIds.length === 0) return [];
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select([
      'e.id',
      'e.code',
      'e.org_id',
      'e.confirmed_at',
      'e.first_published_at',
      'e.working_version_id',
      'v.id as version_id',
      'v.name',
    ])
    .where('e.org_id', 'in', [...orgIds])
    .execute();
}

/** The repealed legal bases the versions cite, once per version and basis. */
export async function repealedBasesOf(db: Db, versionIds: readonly string[]) {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom('catalog_version_bases as vb')
    .innerJoin('legal_bases as b', 'b.id', 'vb.legal_basis_id')
    .select(['vb.version_id', 'b.id', 'b.title', 'b.article'])
    .distinct()
    .where('b.active', '=', false)
    .where('vb.version_id', 'in', [...versionIds])
    .execute();
}

/** How many entries each organisation has a working (unpublished) version of. */
export async function draftCounts(db: Db, orgIds: readonly string[]): Promise<Map<string, number>> {
  if (orgIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('catalog_entries')
    .select(['org_id', sql<number>`count(*)::int`.as('n')])
    .where('org_id', 'in', [...orgIds])
    .where('working_version_id', 'is not', null)
    .groupBy('org_id')
    .execute();
  return new Map(rows.map((r) => [r.org_id, r.n]));
}

/** Records that the entries were re-confirmed at `at`. */
export async function markConfirmed(db: Db, entryIds: readonly string[], at: Date): Promise<void> {
  await db
    .updateTable('catalog_entries')
    .set({ confirmed_at: at })
    .where('id', 'in', [...entryIds])
    .execute();
}

/** Records the flags; answers those not sent before (one per entry, kind and subject). */
export async function insertNewNotices(
  db: Db,
  notices: readonly { entry_id: string; kind: Exclude<UpkeepStatus, 'current'>; subject: string }[],
) {
  return db
    .insertInto('catalog_upkeep_notices')
    .values([...notices])
    .onConflict((oc) => oc.columns(['entry_id', 'kind', 'subject']).doNothing())
    .returning(['entry_id', 'kind'])
    .execute();
}
