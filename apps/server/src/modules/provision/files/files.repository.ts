/**
 * The SQL of file resources: a files version's row in `data_versions` and its files in
 * `data_files`. Every function takes the database or a transaction first; files.ts keeps the rules,
 * the files on disk and the transaction that makes a version current.
 */
import { sql, type Insertable } from 'kysely';
import type { Db, Trx } from '../../../db/database.ts';
import type { DataFilesTable, DataVersionsTable } from '../../../db/database.types.ts';

/** Inserts a files version's row (already `ready`). */
export async function insertFilesVersion(trx: Trx, values: Insertable<DataVersionsTable>): Promise<void> {
  await trx.insertInto('data_versions').values(values).execute();
}

/** Lists a version's files. */
export async function insertFiles(trx: Trx, files: readonly Insertable<DataFilesTable>[]): Promise<void> {
  await trx
    .insertInto('data_files')
    .values([...files])
    .execute();
}

/** The entry's version `versionId` with its kind and state, or undefined. */
export async function findVersionKind(db: Db, entryId: string, versionId: string) {
  return db
    .selectFrom('data_versions')
    .select(['id', 'version_no', 'kind', 'state'])
    .where('entry_id', '=', entryId)
    .where('id', '=', versionId)
    .executeTakeFirst();
}

/** A version's files, in order. */
export async function listVersionFiles(db: Db, versionId: string) {
  return db
    .selectFrom('data_files')
    .select(['position', 'file_name', 'media_type', 'byte_count', 'sm3'])
    .where('version_id', '=', versionId)
    .orderBy('position')
    .execute();
}

/** The file at `position` of a version, or undefined. */
export async function findVersionFile(db: Db, versionId: string, position: number) {
  return db
    .selectFrom('data_files')
    .selectAll()
    .where('version_id', '=', versionId)
    .where('position', '=', position)
    .executeTakeFirst();
}

/** Whether a version with this id exists (in any state). */
export async function versionExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('data_versions').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** How many listed files are stored under the directory `dir` (their storage key `dir/…`). */
export async function countFilesStoredUnder(db: Db, dir: string): Promise<number> {
  const referenced = await sql<{
    n: number;
  }>`select count(*)::int as n from data_files where storage_key like ${`${dir}/%`}`.execute(db);
  return Number(referenced.rows[0]?.n ?? 0);
}
