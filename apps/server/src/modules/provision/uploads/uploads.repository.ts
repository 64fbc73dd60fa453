/**
 * The SQL of resumable uploads (`upload_sessions`). Every function takes the database or a
 * transaction first; upload-sessions.ts keeps the rules (owner, expiry) and the files on disk.
 */
import type { Insertable } from 'kysely';
import type { Db } from '../../../db/database.ts';
import type { UploadSessionsTable } from '../../../db/database.types.ts';

export async function insertUpload(db: Db, values: Insertable<UploadSessionsTable>): Promise<void> {
  await db.insertInto('upload_sessions').values(values).execute();
}

export async function findUpload(db: Db, id: string) {
  return db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The ids among `ids` that are uploads. */
export async function uploadIdsAmong(db: Db, ids: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('upload_sessions').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

export async function setUploadExpiry(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('upload_sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Moves an open upload to `ingesting` with a new expiry; answers whether it was open. */
export async function claimUpload(db: Db, id: string, expiresAt: Date): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ state: 'ingesting', expires_at: expiresAt })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function reopenUpload(db: Db, id: string): Promise<void> {
  await db.updateTable('upload_sessions').set({ state: 'open' }).where('id', '=', id).execute();
}

export async function deleteUpload(db: Db, id: string): Promise<void> {
  await db.deleteFrom('upload_sessions').where('id', '=', id).execute();
}

/** The uploads whose expiry is before `now`. */
export async function expiredUploads(db: Db, now: Date) {
  return db.selectFrom('upload_sessions').select(['id', 'file_path']).where('expires_at', '<', now).execute();
}
