/**
 * The SQL of the pull connectors: the platform administrator's allow-list, the connectors and
 * their runs. Every function takes the database or a transaction first; the service decides which.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../../db/database.ts';
import type { ConnectorRunsTable, ConnectorsTable } from '../../../db/database.types.ts';
import { DATABASE_FINGERPRINT_SQL } from './platform-database.ts';

// ---------- allow-list ----------

/** The allow-list as the address check reads it. */
export async function allowListHosts(db: Db) {
  return db.selectFrom('connector_allow_list').select(['host', 'port_from', 'port_to']).execute();
}

export async function listAllowEntries(db: Db) {
  return db.selectFrom('connector_allow_list').selectAll().orderBy('host').orderBy('port_from').execute();
}

interface AllowValues {
  host: string;
  port_from: number | null;
  port_to: number | null;
  note: string | null;
}

export async function insertAllowEntry(
  db: Db,
  values: AllowValues & { created_by: string | null; updated_by: string | null },
) {
  return db.insertInto('connector_allow_list').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Changes an entry of the allow-list; answers it as changed, or undefined when there is none. */
export async function updateAllowEntry(
  db: Db,
  id: string,
  values: AllowValues & { updated_by: string | null; updated_at: Date },
) {
  return db
    .updateTable('connector_allow_list')
    .set(values)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Removes an entry of the allow-list; answers it as it was, or undefined when there is none. */
export async function deleteAllowEntry(db: Db, id: string) {
  return db.deleteFrom('connector_allow_list').where('id', '=', id).returningAll().executeTakeFirst();
}

// ---------- connectors ----------

export async function findConnector(db: Db, id: string) {
  return db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
}

export type ConnectorRow = NonNullable<Awaited<ReturnType<typeof findConnector>>>;

export async function listEntryConnectors(db: Db, entryId: string) {
  return db.selectFrom('connectors').selectAll().where('entry_id', '=', entryId).execute();
}

/** Whether the entry already has a connector (one per entry). */
export async function entryHasConnector(db: Db, entryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('connectors')
    .select('id')
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts a connector; a second one of the entry fails with the unique violation (23505). */
export async function insertConnector(db: Db, values: Insertable<ConnectorsTable>): Promise<void> {
  await db.insertInto('connectors').values(values).execute();
}

export async function updateConnector(
  db: Db,
  id: string,
  values: Updateable<ConnectorsTable>,
): Promise<void> {
  await db.updateTable('connectors').set(values).where('id', '=', id).execute();
}

export async function deleteConnector(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connectors').where('id', '=', id).execute();
}

/**
 * Claims the enabled connectors that are due: moves their `next_run_at` to `claimUntil` in one
 * statement (so two dispatchers never claim one twice) and answers them.
 */
export async function claimDueConnectors(db: Db, now: Date, claimUntil: Date) {
  return db
    .updateTable('connectors')
    .set({ next_run_at: claimUntil })
    .where('enabled', '=', true)
    .where('next_run_at', '<=', now)
    .returning(['id', 'retry_attempt'])
    .execute();
}

/** The failing connectors (`failing_since` set), oldest failure first; `orgIds` limits them. */
export async function failingConnectors(db: Db, orgIds?: readonly string[]) {
  let q = db
    .selectFrom('connectors')
    .select([
      'id',
      'entry_id',
      'org_id',
      'kind',
      'failing_since',
      'consecutive_failures',
      'last_run_at',
      'last_error',
    ])
    .where('failing_since', 'is not', null);
  if (orgIds) q = q.where('org_id', 'in', [...orgIds]);
  return q.orderBy('failing_since').execute();
}

// ---------- runs ----------

export async function findRun(db: Db, id: string) {
  return db.selectFrom('connector_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export type RunRow = NonNullable<Awaited<ReturnType<typeof findRun>>>;

/** A connector's runs, newest first. */
export async function listRuns(db: Db, connectorId: string, limit: number) {
  return db
    .selectFrom('connector_runs')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
}

export async function insertRun(db: Db, values: Insertable<ConnectorRunsTable>) {
  return db.insertInto('connector_runs').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function finishRun(db: Db, id: string, values: Updateable<ConnectorRunsTable>): Promise<void> {
  await db.updateTable('connector_runs').set(values).where('id', '=', id).execute();
}

/** Whether a run of the connector is recorded as running. */
export async function hasRunningRun(db: Db, connectorId: string): Promise<boolean> {
  const row = await db
    .selectFrom('connector_runs')
    .select('id')
    .where('connector_id', '=', connectorId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return row !== undefined;
}

/** Every run recorded as running. */
export async function runningRuns(db: Db) {
  return db
    .selectFrom('connector_runs')
    .select(['id', 'connector_id'])
    .where('state', '=', 'running')
    .execute();
}

/** Marks a run failed with `error` (JSON) if it is still running. */
export async function failRunningRun(db: Db, id: string, error: string, finishedAt: Date): Promise<void> {
  await db
    .updateTable('connector_runs')
    .set({ state: 'failed', finished_at: finishedAt, error })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .execute();
}

// ---------- the platform's own database ----------

/** The fingerprint of the database `db` is connected to (see platform-database.ts); PostgreSQL only. */
export async function databaseFingerprint(db: Db): Promise<string | null> {
  const { rows } = await sql<{ fingerprint: string }>`${sql.raw(DATABASE_FINGERPRINT_SQL)}`.execute(db);
  return rows[0]?.fingerprint ?? null;
}
