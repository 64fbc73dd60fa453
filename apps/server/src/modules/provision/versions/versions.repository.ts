/**
 * The SQL of provision's settings and data versions that the service and the quality watch read
 * (the writing of a version's rows stays in versions.store.ts). Every function takes the database or a
 * transaction first.
 */
import { sql, type Insertable } from 'kysely';
import type { Db, Trx } from '../../../db/database.ts';
import type { DataVersionsTable, ProvisionSettingsTable } from '../../../db/database.types.ts';

// ---------- settings ----------

export async function findSettings(db: Db, entryId: string) {
  return db.selectFrom('provision_settings').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

/** What may be set of an entry's settings; the rest keeps its value (or its default on a first write). */
export interface SettingsValues {
  error_policy?: 'reject' | 'exclude';
  enumerations?: string;
  key_fields?: string[];
  declared_row_count?: number | null;
  declared_checksum?: string | null;
  declared_at?: Date | null;
  keep_versions?: number | null;
  keep_days?: number | null;
  updated_by: string | null;
  updated_at: Date;
}

export async function upsertSettings(db: Db, entryId: string, values: SettingsValues): Promise<void> {
  await db
    .insertInto('provision_settings')
    .values({ entry_id: entryId, ...values })
    .onConflict((oc) => oc.column('entry_id').doUpdateSet(values))
    .execute();
}

/** Writes all of an entry's settings given (the demo's datasets), over any it had. */
export async function replaceSettings(db: Db, values: Insertable<ProvisionSettingsTable>): Promise<void> {
  await db
    .insertInto('provision_settings')
    .values(values)
    .onConflict((oc) => oc.column('entry_id').doUpdateSet(values))
    .execute();
}

// ---------- versions ----------

/** Whether the entry has a current version. */
export async function hasCurrentVersion(db: Db, entryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('data_current')
    .select('entry_id')
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Dates a version (and its switch to current) as created at `createdAt` and completed at `at`. */
export async function backdateVersion(db: Db, versionId: string, createdAt: Date, at: Date): Promise<void> {
  await db
    .updateTable('data_versions')
    .set({ created_at: createdAt, completed_at: at })
    .where('id', '=', versionId)
    .execute();
  await db.updateTable('data_current').set({ switched_at: at }).where('version_id', '=', versionId).execute();
}

export async function findVersion(db: Db, entryId: string, versionId: string) {
  return db
    .selectFrom('data_versions')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('id', '=', versionId)
    .executeTakeFirst();
}

export type VersionRow = NonNullable<Awaited<ReturnType<typeof findVersion>>>;

/**
 * Reading a version's rows needs these columns only: not its validation report (up to 1,000 listed
 * problems with their values) or error, which a page of rows would otherwise fetch and parse each time.
 */
const TO_READ = ['v.id', 'v.version_no', 'v.state', 'v.table_name', 'v.columns', 'v.row_count'] as const;

/** The version of an entry whose rows are read: by id or number (any state: the caller checks it), or the current one. */
export async function versionToRead(
  db: Db,
  entryId: string,
  which: { id: string } | { versionNo: number } | 'current',
) {
  if (which === 'current')
    return db
      .selectFrom('data_current as c')
      .innerJoin('data_versions as v', 'v.id', 'c.version_id')
      .select(TO_READ)
      .where('c.entry_id', '=', entryId)
      .executeTakeFirst();
  const q = db.selectFrom('data_versions as v').select(TO_READ).where('v.entry_id', '=', entryId);
  return 'id' in which
    ? q.where('v.id', '=', which.id).executeTakeFirst()
    : q.where('v.version_no', '=', which.versionNo).executeTakeFirst();
}

/** The error a version was rejected with (null when it was not), by its id alone. */
export async function versionError(db: Db, versionId: string): Promise<unknown> {
  const row = await db
    .selectFrom('data_versions')
    .select('error')
    .where('id', '=', versionId)
    .executeTakeFirst();
  return row?.error ?? null;
}

/** The ready version `versionNo` of an entry. */
export async function readyVersion(db: Db, entryId: string, versionNo: number) {
  return db
    .selectFrom('data_versions')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('version_no', '=', versionNo)
    .where('state', '=', 'ready')
    .executeTakeFirst();
}

/** Version `versionNo` of an entry, in any state. */
export async function versionByNo(db: Db, entryId: string, versionNo: number) {
  return db
    .selectFrom('data_versions')
    .select(['id', 'state'])
    .where('entry_id', '=', entryId)
    .where('version_no', '=', versionNo)
    .executeTakeFirst();
}

/** An entry's versions, newest first, with who created each (an account id) and the error message. */
export async function listVersions(db: Db, entryId: string) {
  return db
    .selectFrom('data_versions as v')
    .select([
      'v.id',
      'v.version_no',
      'v.state',
      'v.kind',
      'v.source',
      'v.format',
      'v.encoding',
      'v.file_name',
      'v.row_count',
      'v.excluded_row_count',
      'v.byte_count',
      'v.sm3',
      'v.based_on',
      'v.created_at',
      'v.completed_at',
      'v.retired_at',
      'v.created_by',
      sql<unknown>`v.error -> 'message'`.as('error_message'),
      sql<number | null>`(select s.version_no from data_versions s where s.id = v.same_as)`.as(
        'same_as_version_no',
      ),
    ])
    .where('v.entry_id', '=', entryId)
    .orderBy('v.version_no', 'desc')
    .execute();
}

export async function insertVersion(trx: Trx, values: Insertable<DataVersionsTable>) {
  return trx.insertInto('data_versions').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A copy of a version's table in `resource_data` under a new name, with its primary key. */
export async function copyVersionTable(trx: Trx, from: string, to: string): Promise<void> {
  await sql`create table ${sql.id('resource_data', to)} as table ${sql.id('resource_data', from)}`.execute(
    trx,
  );
  await sql`alter table ${sql.id('resource_data', to)} add primary key (_row)`.execute(trx);
}

/** Lists the files of version `from` again under version `to` (stored files never change). */
export async function copyFiles(trx: Trx, from: string, to: string): Promise<void> {
  await sql`insert into data_files (version_id, position, file_name, media_type, byte_count, sm3, storage_key)
    select cast(${to} as uuid), position, file_name, media_type, byte_count, sm3, storage_key
    from data_files where version_id = ${from}`.execute(trx);
}

// ---------- what the quality watch reads ----------

/** A version as the quality watch sees it, with the field summary of its report. */
export interface VersionFactsRow {
  entry_id: string;
  id: string;
  version_no: number;
  kind: 'table' | 'files';
  source: string;
  row_count: number | string | null;
  excluded_row_count: number | string | null;
  sm3: string | null;
  completed_at: Date | null;
  created_at: Date;
  /** The current version: when its data was last provided or confirmed unchanged. */
  confirmed_at?: Date | null;
  fields: unknown;
}

const FACT_COLUMNS = [
  'v.entry_id',
  'v.id',
  'v.version_no',
  'v.kind',
  'v.source',
  'v.row_count',
  'v.excluded_row_count',
  'v.sm3',
  'v.completed_at',
  'v.created_at',
] as const;

/** The current version of each entry. */
export async function currentFacts(db: Db, entryIds: readonly string[]): Promise<VersionFactsRow[]> {
  if (entryIds.length === 0) return [];
  return await db
    .selectFrom('data_current as c')
    .innerJoin('data_versions as v', 'v.id', 'c.version_id')
    .select([...FACT_COLUMNS, 'c.confirmed_at', sql<unknown>`v.report -> 'fields'`.as('fields')])
    .where('c.entry_id', 'in', [...entryIds])
    .execute();
}

/** The ready version before the current one of each entry. */
export async function previousFacts(db: Db, entryIds: readonly string[]): Promise<VersionFactsRow[]> {
  if (entryIds.length === 0) return [];
  return await db
    .selectFrom('data_versions as v')
    .innerJoin('data_current as c', 'c.entry_id', 'v.entry_id')
    .innerJoin('data_versions as cur', 'cur.id', 'c.version_id')
    .distinctOn('v.entry_id')
    .select([...FACT_COLUMNS, sql<unknown>`v.report -> 'fields'`.as('fields')])
    .where('v.entry_id', 'in', [...entryIds])
    .where('v.state', '=', 'ready')
    .whereRef('v.version_no', '<', 'cur.version_no')
    .orderBy('v.entry_id')
    .orderBy('v.version_no', 'desc')
    .execute();
}

/** The files (their SM3) of files versions. */
export async function fileDigests(db: Db, versionIds: readonly string[]) {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom('data_files')
    .select(['version_id', 'sm3'])
    .where('version_id', 'in', [...versionIds])
    .execute();
}

/** The declared row counts and checksums of entries that have one. */
export async function declarations(db: Db, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('provision_settings')
    .select(['entry_id', 'declared_row_count', 'declared_checksum', 'declared_at'])
    .where('entry_id', 'in', [...entryIds])
    .where('declared_at', 'is not', null)
    .execute();
}

/** The last hundred ready or failed versions of an entry with their report's totals, newest first. */
export async function versionTrend(db: Db, entryId: string) {
  return db
    .selectFrom('data_versions')
    .select([
      'id',
      'version_no',
      'state',
      'source',
      'row_count',
      'excluded_row_count',
      'created_at',
      'completed_at',
      sql<unknown>`coalesce(report, error -> 'report') -> 'fields'`.as('fields'),
      sql<unknown>`coalesce(report, error -> 'report') -> 'totalRows'`.as('total_rows'),
    ])
    .where('entry_id', '=', entryId)
    .where('state', 'in', ['ready', 'failed'])
    .orderBy('version_no', 'desc')
    .limit(100)
    .execute();
}
