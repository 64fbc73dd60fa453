/** Retention's SQL: the city's default, the versions an entry holds, and retiring one. */
import type { Db } from '../../../db/database.ts';

/** The city's default retention (one row, written by migration 0016). */
export async function cityRetention(db: Db) {
  return db
    .selectFrom('provision_retention')
    .select(['keep_versions', 'keep_days'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function setCityRetention(
  db: Db,
  values: { keep_versions: number; keep_days: number; updated_by: string | null },
) {
  await db
    .updateTable('provision_retention')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', 1)
    .execute();
}

/** Entries with a ready table version that is not current: those retention may have work on. */
export async function entriesWithOldVersions(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('data_versions as v')
    .leftJoin('data_current as c', 'c.entry_id', 'v.entry_id')
    .select('v.entry_id')
    .distinct()
    .where('v.state', '=', 'ready')
    .where('v.kind', '=', 'table')
    .where((eb) => eb.or([eb('c.version_id', 'is', null), eb('c.version_id', '!=', eb.ref('v.id'))]))
    .execute();
  return rows.map((r) => r.entry_id);
}

/** An entry's ready versions (newest first), its current version and its own retention settings. */
export async function retentionFacts(db: Db, entryId: string) {
  const [versions, current, settings] = await Promise.all([
    db
      .selectFrom('data_versions')
      .select(['id', 'version_no', 'kind', 'table_name', 'row_count', 'completed_at', 'created_at'])
      .where('entry_id', '=', entryId)
      .where('state', '=', 'ready')
      .orderBy('version_no', 'desc')
      .execute(),
    db.selectFrom('data_current').select('version_id').where('entry_id', '=', entryId).executeTakeFirst(),
    db
      .selectFrom('provision_settings')
      .select(['keep_versions', 'keep_days'])
      .where('entry_id', '=', entryId)
      .executeTakeFirst(),
  ]);
  return { versions, currentId: current?.version_id ?? null, settings: settings ?? null };
}

/**
 * Marks a ready version retired (in the caller's transaction, after its table is dropped); answers
 * false when it is no longer ready or has become current meanwhile.
 */
export async function markRetired(db: Db, entryId: string, versionId: string, at: Date): Promise<boolean> {
  const current = await db
    .selectFrom('data_current')
    .select('version_id')
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  if (current?.version_id === versionId) return false;
  const r = await db
    .updateTable('data_versions')
    .set({ state: 'retired', retired_at: at })
    .where('id', '=', versionId)
    .where('entry_id', '=', entryId)
    .where('state', '=', 'ready')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
