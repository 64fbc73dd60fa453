/**
 * The SQL of push sessions: a session is a data version with `push_options`, its batches are rows
 * of `push_batches`. Every function takes the database or a transaction first; the service decides
 * which (a batch's report and rows are written in one transaction).
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db, Trx } from '../../../db/database.ts';
import type { DataVersionsTable, PushBatchesTable } from '../../../db/database.types.ts';

// ---------- sessions ----------

/** The push session `versionId` of the entry (a version with push options), or undefined. */
export async function findSession(db: Db, entryId: string, versionId: string) {
  return db
    .selectFrom('data_versions')
    .selectAll()
    .where('id', '=', versionId)
    .where('entry_id', '=', entryId)
    .where('push_options', 'is not', null)
    .executeTakeFirst();
}

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/** The entry's version opened with this idempotency key (a push session or not), or undefined. */
export async function findByIdempotencyKey(db: Db, entryId: string, idempotencyKey: string) {
  return db
    .selectFrom('data_versions')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/** The entry's open session, if any. */
export async function findOpenSession(db: Db, entryId: string) {
  return db
    .selectFrom('data_versions')
    .select(['id', 'version_no', 'expires_at'])
    .where('entry_id', '=', entryId)
    .where('state', '=', 'open')
    .executeTakeFirst();
}

/** Turns the version being created (`receiving`) into an open session. */
export async function openSession(
  trx: Trx,
  versionId: string,
  values: Pick<
    Updateable<DataVersionsTable>,
    'expires_at' | 'push_options' | 'note' | 'report' | 'row_count' | 'excluded_row_count'
  >,
): Promise<void> {
  await trx
    .updateTable('data_versions')
    .set({ state: 'open', ...values })
    .where('id', '=', versionId)
    .where('state', '=', 'receiving')
    .execute();
}

/** Locks the session's version row (`for update`); answers whether it exists. */
export async function lockSession(trx: Trx, versionId: string): Promise<boolean> {
  const current = await sql<{
    id: string;
  }>`select id from data_versions where id = ${versionId} for update`.execute(trx);
  return current.rows.length === 1;
}

/** Changes an open session (its report, counts, expiry, file); a session no longer open is left alone. */
export async function updateOpenSession(
  trx: Trx,
  versionId: string,
  values: Updateable<DataVersionsTable>,
): Promise<void> {
  await trx
    .updateTable('data_versions')
    .set(values)
    .where('id', '=', versionId)
    .where('state', '=', 'open')
    .execute();
}

/** Moves an open session to `receiving`; answers whether it was still open. */
export async function markReceiving(db: Db, versionId: string): Promise<boolean> {
  const moved = await db
    .updateTable('data_versions')
    .set({ state: 'receiving' })
    .where('id', '=', versionId)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** The open sessions whose expiry is at or before `now`. */
export async function expiredSessions(db: Db, now: Date) {
  return db
    .selectFrom('data_versions')
    .select(['id', 'entry_id'])
    .where('state', '=', 'open')
    .where('expires_at', '<=', now)
    .execute();
}

// ---------- batches ----------

export async function countBatches(db: Db, versionId: string): Promise<number> {
  const r = await db
    .selectFrom('push_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The batch taken under `sequence`, if any. */
export async function findBatch(db: Db, versionId: string, sequence: number) {
  return db
    .selectFrom('push_batches')
    .selectAll()
    .where('version_id', '=', versionId)
    .where('sequence', '=', sequence)
    .executeTakeFirst();
}

/** The highest sequence number taken in the session (0 when none). */
export async function lastBatchSequence(db: Db, versionId: string): Promise<number> {
  const r = await db
    .selectFrom('push_batches')
    .select((eb) => eb.fn.max('sequence').as('n'))
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertBatch(trx: Trx, values: Insertable<PushBatchesTable>): Promise<void> {
  await trx.insertInto('push_batches').values(values).execute();
}
