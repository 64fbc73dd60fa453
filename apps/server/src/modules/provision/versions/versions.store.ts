/**
 * Versioned storage of resource data. Every version of a structured entry is a table of its own in
 * the `resource_data` schema, with one typed column per data item; a version is written while it is
 * `receiving` (held by a lease, so a crash is recognised), then becomes `ready` and — in the same
 * transaction — current, or is dropped as `failed` / `cancelled`. Readers follow `data_current`,
 * so they see the previous version until the new one is complete.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DataVersionSource } from '../../../db/database.types.ts';
import type { DatabaseHandle, Lease, Db, Trx } from '../../../db/database.ts';
import { lockEntry as lockCatalogEntry, type DataItem, type DataType } from '../../catalog/index.ts';
import { containsPattern } from '../../../shared/sql.ts';
import { CopyWriter } from './copy-writer.ts';

/** One data item as a column of a version's table. */
export interface ColumnSpec {
  name: string;
  label: string;
  dataType: DataType;
  /** Column in the version table: c1, c2, … (item names are not trusted as identifiers). */
  column: string;
}

/** The column type of each data type in a version's table. */
export const SQL_TYPE: Record<DataType, string> = {
  string: 'text',
  integer: 'bigint',
  decimal: 'numeric',
  date: 'date',
  datetime: 'timestamptz',
  boolean: 'boolean',
  id_number: 'text',
  credit_code: 'text',
  phone: 'text',
  geometry: 'jsonb',
  binary: 'text',
};

export function columnsFor(items: readonly DataItem[]): ColumnSpec[] {
  return items.map((item, i) => ({
    name: item.name,
    label: item.label,
    dataType: item.dataType,
    column: `c${i + 1}`,
  }));
}

/** The table of a version in `resource_data`. */
export const versionTableName = (versionId: string) => `v_${versionId.replaceAll('-', '')}`;

/** Locks the catalog entry for the rest of the transaction: one new version of its data at a time. */
export async function lockEntry(trx: Trx, entryId: string): Promise<void> {
  await lockCatalogEntry(trx, entryId);
}

/** The next version number of an entry's data; call after `lockEntry` in the same transaction. */
export async function nextVersionNo(db: Db, entryId: string): Promise<number> {
  const last = await db
    .selectFrom('data_versions')
    .select((eb) => eb.fn.max('version_no').as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return Number(last?.n ?? 0) + 1;
}

/** The lease a version is written under (its writer, a push session's request, the clean-ups). */
export const leaseKey = (versionId: string) => `data-version:${versionId}`;
const tableRef = (table: string) => sql`${sql.id('resource_data', table)}`;

export interface OpenVersion {
  id: string;
  entryId: string;
  versionNo: number;
  tableName: string;
  columns: ColumnSpec[];
  /** Rows written so far. */
  written: number;
  lease: Lease;
  /** PostgreSQL: the COPY that writes the rows, on the lease's connection (opened by the first rows). */
  writer?: CopyWriter | null;
}

export class DuplicateVersionKey extends Error {
  constructor(readonly versionId: string) {
    super('a version with this idempotency key exists');
  }
}

/**
 * Starts a version of an entry's data: a `receiving` row and its empty table, under a lease that
 * the process holds until the version is completed or abandoned.
 */
export async function beginTableVersion(
  handle: DatabaseHandle,
  input: {
    entryId: string;
    items: readonly DataItem[];
    source: DataVersionSource;
    createdBy: string | null;
    idempotencyKey?: string | null;
    format?: string | null;
    encoding?: string | null;
    fileName?: string | null;
    basedOn?: string | null;
  },
): Promise<OpenVersion> {
  const columns = columnsFor(input.items);
  const id = randomUUID();
  const tableName = versionTableName(id);
  const lease = await handle.lease(leaseKey(id));
  if (!lease) throw new Error('could not lease a new version');
  try {
    const versionNo = await handle.db.transaction().execute(async (trx) => {
      await lockEntry(trx, input.entryId);
      if (input.idempotencyKey) {
        const existing = await trx
          .selectFrom('data_versions')
          .select('id')
          .where('entry_id', '=', input.entryId)
          .where('idempotency_key', '=', input.idempotencyKey)
          .executeTakeFirst();
        if (existing) throw new DuplicateVersionKey(existing.id);
      }
      const no = await nextVersionNo(trx, input.entryId);
      await trx
        .insertInto('data_versions')
        .values({
          id,
          entry_id: input.entryId,
          version_no: no,
          kind: 'table',
          state: 'receiving',
          source: input.source,
          table_name: tableName,
          columns: JSON.stringify(columns),
          idempotency_key: input.idempotencyKey ?? null,
          format: input.format ?? null,
          encoding: input.encoding ?? null,
          file_name: input.fileName ?? null,
          based_on: input.basedOn ?? null,
          created_by: input.createdBy,
        })
        .execute();
      const defs = columns.map((c) => sql`${sql.id(c.column)} ${sql.raw(SQL_TYPE[c.dataType])}`);
      await sql`create table ${tableRef(tableName)} (_row bigint primary key, ${sql.join(defs)})`.execute(
        trx,
      );
      return no;
    });
    return { id, entryId: input.entryId, versionNo, tableName, columns, written: 0, lease };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

/** A string literal of any text, whatever standard_conforming_strings says. */
function literal(v: string): string {
  if (v.includes('\\')) return `E'${v.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return v.includes("'") ? `'${v.replaceAll("'", "''")}'` : `'${v}'`;
}

/**
 * Appends rows (values already checked and normalised, in column order; null for empty) to a
 * receiving version. On PostgreSQL they go into the version's COPY (see copy-writer.ts) and become
 * visible when `completeVersion` ends it; resolves as soon as the connection can take more. On PGlite,
 * multi-row INSERTs of several hundred rows a statement.
 */
export async function appendRows(
  db: Db,
  version: OpenVersion,
  rows: readonly { row: number; values: readonly (string | null)[] }[],
): Promise<void> {
  const client = version.lease.client;
  if (client) {
    if (!version.writer) {
      const writer = new CopyWriter(client, `"resource_data"."${version.tableName}"`, [
        '_row',
        ...version.columns.map((c) => c.column),
      ]);
      version.writer = writer;
      // Releasing the lease ends an unfinished COPY first: the unlock would otherwise wait behind it.
      const lease = version.lease;
      version.lease = {
        client,
        release: async () => {
          await writer.abort('the lease of the version was released');
          await lease.release();
        },
      };
    }
    await version.writer.write(rows, version.columns.length);
    version.written += rows.length;
    return;
  }
  // The statement as text with the values as string literals, each cast to its column type — the
  // same input function as COPY and as a cast parameter — without a parameter or a query-builder
  // node per value.
  const casts = version.columns.map((c) => `::${SQL_TYPE[c.dataType]}`);
  const head = `insert into "resource_data"."${version.tableName}" (_row, ${version.columns.map((c) => c.column).join(', ')}) values `;
  const perStatement = 1000;
  for (let i = 0; i < rows.length; i += perStatement) {
    const end = Math.min(rows.length, i + perStatement);
    let text = head;
    for (let j = i; j < end; j++) {
      const r = rows[j] as (typeof rows)[number];
      if (!Number.isSafeInteger(r.row)) throw new RangeError(`not a row number: ${r.row}`);
      text += j === i ? `(${r.row}` : `,(${r.row}`;
      for (let k = 0; k < casts.length; k++) {
        const v = r.values[k] ?? null;
        text += v === null ? ',null' : `,${literal(v)}${casts[k]}`;
      }
      text += ')';
    }
    await sql.raw(text).execute(db);
    version.written += end - i;
  }
}

/** What became of a completed version: `ready`, or `unchanged` (its rows were the current version's). */
export type CompleteOutcome =
  { state: 'ready' } | { state: 'unchanged'; sameAs: { versionId: string; versionNo: number } };

/**
 * A digest of a version table's rows as data, whatever their order: the row count and two sums of
 * 64-bit hashes of each row's values (PostgreSQL's `hashtextextended` with two seeds), so the same
 * rows in another order, from a re-exported file or a file with its columns in another order, give
 * the same digest. Values are normalised first: decimals without trailing zeros, times as instants.
 */
export async function contentDigest(db: Db, tableName: string, columns: readonly ColumnSpec[]) {
  const values = columns.map((c) => {
    const col = sql.id(c.column);
    if (c.dataType === 'decimal') return sql`trim_scale(${col})`;
    if (c.dataType === 'datetime') return sql`extract(epoch from ${col})`;
    return sql`${col}`;
  });
  const { rows } = await sql<{ digest: string }>`
    select count(*)::text || ':' || coalesce(sum(hashtextextended(r::text, 0)), 0)::text || ':'
      || coalesce(sum(hashtextextended(r::text, 1)), 0)::text as digest
    from (select row(${sql.join(values)}) as r from ${tableRef(tableName)}) t`.execute(db);
  return rows[0]?.digest ?? '';
}

const sameColumns = (a: readonly ColumnSpec[], b: readonly ColumnSpec[]) =>
  a.length === b.length &&
  a.every((c, i) => c.name === b[i]?.name && c.dataType === b[i]?.dataType && c.column === b[i]?.column);

/**
 * The entry's current version when a new version's rows are exactly its rows (same data items, same
 * row count, same content digest); otherwise null, with the new version's digest when it was
 * computed. The current version's digest is computed once and kept.
 */
async function sameAsCurrent(
  db: Db,
  version: OpenVersion,
  rowCount: number,
): Promise<{ same: { versionId: string; versionNo: number } | null; digest: string | null }> {
  const current = await db
    .selectFrom('data_current as c')
    .innerJoin('data_versions as v', 'v.id', 'c.version_id')
    .select([
      'v.id',
      'v.version_no',
      'v.kind',
      'v.columns',
      'v.row_count',
      'v.table_name',
      'v.content_digest',
    ])
    .where('c.entry_id', '=', version.entryId)
    .executeTakeFirst();
  if (
    !current ||
    current.kind !== 'table' ||
    !current.table_name ||
    Number(current.row_count) !== rowCount ||
    !sameColumns(current.columns as ColumnSpec[], version.columns)
  )
    return { same: null, digest: null };
  const digest = await contentDigest(db, version.tableName, version.columns);
  let theirs = current.content_digest;
  if (theirs === null) {
    theirs = await contentDigest(db, current.table_name, version.columns);
    await db
      .updateTable('data_versions')
      .set({ content_digest: theirs })
      .where('id', '=', current.id)
      .execute();
  }
  return {
    same: digest === theirs ? { versionId: current.id, versionNo: current.version_no } : null,
    digest,
  };
}

/**
 * Completes a receiving version. When it is to become current and its rows are exactly the current
 * version's, it is recorded as `unchanged` instead: its table is dropped, it names the version it
 * matched, and the entry's data counts as confirmed now. Otherwise it becomes `ready` and, unless
 * `makeCurrent` is false, the current version of its entry — in one transaction, so readers switch
 * at once.
 */
export async function completeVersion(
  db: Db,
  version: OpenVersion,
  result: {
    rowCount: number;
    excludedRowCount?: number;
    byteCount?: number | null;
    sm3?: string | null;
    report?: unknown;
    makeCurrent?: boolean;
    by: string | null;
  },
): Promise<CompleteOutcome> {
  try {
    if (version.writer) {
      const copied = await version.writer.finish();
      if (copied !== version.written)
        throw new Error(`version ${version.id}: COPY took ${copied} rows of ${version.written}`);
    }
    return await db.transaction().execute(async (trx): Promise<CompleteOutcome> => {
      // One completion of the entry's data at a time: the comparison holds until the switch.
      await lockEntry(trx, version.entryId);
      const makeItCurrent = result.makeCurrent !== false;
      const { same, digest } = makeItCurrent
        ? await sameAsCurrent(trx, version, result.rowCount)
        : { same: null, digest: null };
      const now = new Date();
      const updated = await trx
        .updateTable('data_versions')
        .set({
          state: same ? 'unchanged' : 'ready',
          row_count: result.rowCount,
          excluded_row_count: result.excludedRowCount ?? 0,
          byte_count: result.byteCount ?? null,
          sm3: result.sm3 ?? null,
          report: result.report === undefined ? null : JSON.stringify(result.report),
          content_digest: digest,
          same_as: same?.versionId ?? null,
          completed_at: now,
        })
        .where('id', '=', version.id)
        .where('state', '=', 'receiving')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new Error(`version ${version.id} is no longer receiving`);
      if (same) {
        await sql`drop table ${tableRef(version.tableName)}`.execute(trx);
        await trx
          .updateTable('data_current')
          .set({ confirmed_at: now })
          .where('entry_id', '=', version.entryId)
          .execute();
        return { state: 'unchanged', sameAs: same };
      }
      if (makeItCurrent) await makeCurrent(trx, version.entryId, version.id, result.by, now);
      return { state: 'ready' };
    });
  } finally {
    await version.lease.release();
  }
}

/** Points the entry's readers at a ready version. Call inside a transaction. */
export async function makeCurrent(
  db: Db,
  entryId: string,
  versionId: string,
  by: string | null,
  at: Date = new Date(),
) {
  await db
    .insertInto('data_current')
    .values({ entry_id: entryId, version_id: versionId, switched_by: by, switched_at: at, confirmed_at: at })
    .onConflict((oc) =>
      oc
        .column('entry_id')
        .doUpdateSet({ version_id: versionId, switched_by: by, switched_at: at, confirmed_at: at }),
    )
    .execute();
}

/** Abandons a receiving version: its table is dropped, the row says why. The current version is untouched. */
export async function abandonVersion(
  db: Db,
  version: Pick<OpenVersion, 'id' | 'tableName'> & { lease?: Lease; writer?: CopyWriter | null },
  state: 'failed' | 'cancelled',
  error: unknown,
): Promise<void> {
  try {
    // A COPY in progress holds a lock on the table: it is rolled back before the table is dropped.
    await version.writer?.abort();
    await db.transaction().execute(async (trx) => {
      await sql`drop table if exists ${tableRef(version.tableName)}`.execute(trx);
      await trx
        .updateTable('data_versions')
        .set({ state, error: JSON.stringify(error), completed_at: new Date() })
        .where('id', '=', version.id)
        .where('state', '=', 'receiving')
        .execute();
    });
  } finally {
    await version.lease?.release();
  }
}

/**
 * Cleans up versions left `receiving` by a process that is gone (killed, crashed): their tables are
 * dropped and they are marked failed. A version still held by a live process is left alone. Then any
 * version table in `resource_data` owned by no version, or only by a failed or cancelled one, is
 * dropped (none should exist: tables are created and dropped in the same transaction as their
 * version's state). Answers how many versions were cleaned.
 */
export async function cleanUpInterrupted(handle: DatabaseHandle): Promise<number> {
  const receiving = await handle.db
    .selectFrom('data_versions')
    .select(['id', 'table_name'])
    .where('state', '=', 'receiving')
    .execute();
  let cleaned = 0;
  for (const v of receiving) {
    const lease = await handle.lease(leaseKey(v.id));
    if (!lease) continue;
    await abandonVersion(handle.db, { id: v.id, tableName: v.table_name ?? '', lease }, 'failed', {
      code: 'interrupted',
      message: {
        zh: '写入过程中服务中断，此版本未完成，已清理',
        en: 'The server stopped while this version was being written; it was not completed and was cleaned up',
      },
    });
    cleaned++;
  }
  await dropOrphanTables(handle.db);
  return cleaned;
}

/**
 * Drops version tables (`v_` and 32 hex digits) that belong to no version, or only to a failed or
 * cancelled one; tables of versions in any other state (ready, receiving, an open push session) stay.
 */
async function dropOrphanTables(db: Db): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'resource_data' and c.relkind = 'r' and c.relname ~ '^v_[0-9a-f]{32}$'
       and not exists (select 1 from data_versions v
                        where v.table_name = c.relname and v.state not in ('failed', 'cancelled'))`.execute(
    db,
  );
  for (const r of rows) await sql`drop table if exists ${tableRef(r.name)}`.execute(db);
}

/** The version readers see, or null when the entry has no data yet. */
export async function currentVersion(db: Db, entryId: string) {
  return (
    (await db
      .selectFrom('data_current as c')
      .innerJoin('data_versions as v', 'v.id', 'c.version_id')
      .selectAll('v')
      .where('c.entry_id', '=', entryId)
      .executeTakeFirst()) ?? null
  );
}

/** Rows of a ready version in row order, as text (null for empty), paged. */
export async function readRows(
  db: Db,
  version: { table_name: string | null; columns: unknown },
  offset: number,
  limit: number,
): Promise<{ row: number; values: (string | null)[] }[]> {
  return (await queryRows(db, version, { offset, limit })).rows.map(({ row, values }) => ({ row, values }));
}

/** Counts the rows of a version's table (what was really written). */
export async function countRows(db: Db, tableName: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${tableRef(tableName)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Drops a version's table (retention), in the caller's transaction. */
export async function dropVersionTable(db: Db, tableName: string): Promise<void> {
  await sql`drop table if exists ${tableRef(tableName)}`.execute(db);
}

/** Whether the table of a version exists (a failed one's does not). */
export async function tableExists(db: Db, tableName: string): Promise<boolean> {
  const { rows } = await sql<{
    ok: boolean;
  }>`select to_regclass(${`resource_data.${tableName}`}) is not null as ok`.execute(db);
  return rows[0]?.ok === true;
}

export interface RowQuery {
  offset: number;
  limit: number;
  /** Columns to return (default all), as specs of the version. */
  fields?: ColumnSpec[];
  sort?: { column: ColumnSpec; desc: boolean };
  /** `eq`: the value's text equals; `contains`: contains it (case-insensitive). */
  filters?: { column: ColumnSpec; op: 'eq' | 'contains'; value: string }[];
  /**
   * Keyset paging: the rows after this one in the query's order (its row number and, when sorted,
   * its sort value as text) instead of `offset` — as fast at any depth as on the first page.
   */
  after?: { row: number; sortValue: string | null };
  /** The total when it is already known (an earlier page): not counted again. */
  total?: number;
}

/** Where the rows after `after` start, in the order `order by c asc|desc nulls last, _row`. */
function afterCondition(q: RowQuery) {
  const after = q.after;
  if (!after) return null;
  if (!q.sort) return sql`_row > ${after.row}`;
  const col = sql.id(q.sort.column.column);
  if (after.sortValue === null) return sql`(${col} is null and _row > ${after.row})`;
  const value = sql`${after.sortValue}::${sql.raw(SQL_TYPE[q.sort.column.dataType])}`;
  const beyond = q.sort.desc ? sql`${col} < ${value}` : sql`${col} > ${value}`;
  return sql`(${beyond} or (${col} = ${value} and _row > ${after.row}) or ${col} is null)`;
}

/**
 * A page of a version's rows with field selection, filters and sorting, and the total matching.
 * Each row comes with its sort value as text (`sortValue`, for the next page's `after`). Without
 * filters the total is the version's row count, given as `rowCount`; it is counted only otherwise.
 */
export async function queryRows(
  db: Db,
  version: { table_name: string | null; columns: unknown; row_count?: number | string | null },
  q: RowQuery,
): Promise<{ total: number; rows: { row: number; values: (string | null)[]; sortValue: string | null }[] }> {
  if (!version.table_name) return { total: 0, rows: [] };
  const columns = q.fields ?? (version.columns as ColumnSpec[]);
  const conditions = (q.filters ?? []).map((f) =>
    f.op === 'eq'
      ? sql`${sql.id(f.column.column)}::text = ${f.value}`
      : sql`${sql.id(f.column.column)}::text ilike ${containsPattern(f.value)}`,
  );
  const filtered = conditions.length > 0;
  const after = afterCondition(q);
  const pageConditions = after ? [...conditions, after] : conditions;
  const whereOf = (cs: typeof conditions) => (cs.length > 0 ? sql`where ${sql.join(cs, sql` and `)}` : sql``);
  const order = q.sort
    ? sql`order by ${sql.id(q.sort.column.column)} ${sql.raw(q.sort.desc ? 'desc nulls last' : 'asc nulls last')}, _row`
    : sql`order by _row`;
  // Named one by one: the sort column may also be one of the fields.
  const sortText = q.sort ? sql`${sql.id(q.sort.column.column)}::text` : sql`null::text`;
  const select = [
    sql`_row`,
    sql`${sortText} as _sort`,
    ...columns.map((c, i) => sql`${sql.id(c.column)}::text as ${sql.id(`f${i}`)}`),
  ];
  const table = tableRef(version.table_name);
  const rowCount = version.row_count ?? null;
  const known = q.total ?? (!filtered && rowCount !== null ? Number(rowCount) : undefined);
  const [{ rows }, total] = await Promise.all([
    sql<Record<string, unknown>>`select ${sql.join(select)} from ${table} ${whereOf(pageConditions)} ${order}
      ${after ? sql`` : sql`offset ${q.offset}`} limit ${q.limit}`.execute(db),
    known !== undefined
      ? Promise.resolve(known)
      : sql<{ n: number }>`select count(*)::bigint as n from ${table} ${whereOf(conditions)}`
          .execute(db)
          .then((r) => Number(r.rows[0]?.n ?? 0)),
  ]);
  return {
    total,
    rows: rows.map((r) => {
      const values = Object.values(r);
      return {
        row: Number(values[0]),
        // `_sort` is a text column (or null).
        sortValue: typeof values[1] === 'string' ? values[1] : null,
        values: values
          .slice(2)
          .map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v))),
      };
    }),
  };
}

export interface VersionDiff {
  fields: { added: string[]; removed: string[]; common: string[] };
  /** Row changes by key (null when the entry has no key fields, or a key field is not in both). */
  rows: {
    added: number;
    removed: number;
    changed: number;
    unchanged: number;
    /** Up to `samples` keys of each kind, as `field=value` pairs joined by commas. */
    examples: { added: string[]; removed: string[]; changed: string[] };
  } | null;
}

/**
 * Compares two versions: which data items each has, and — matching rows on the key fields — how many
 * rows were added, removed, changed (a common field differs) or kept.
 */
export async function compareVersions(
  db: Db,
  from: { table_name: string | null; columns: unknown },
  to: { table_name: string | null; columns: unknown },
  keyFields: readonly string[],
  options: { samples?: number; maskKey?: (field: string, value: string) => string } = {},
): Promise<VersionDiff> {
  const samples = options.samples ?? 20;
  const maskKey = options.maskKey ?? ((_field: string, value: string) => value);
  const a = new Map((from.columns as ColumnSpec[]).map((c) => [c.name, c]));
  const b = new Map((to.columns as ColumnSpec[]).map((c) => [c.name, c]));
  const fields = {
    added: [...b.keys()].filter((n) => !a.has(n)),
    removed: [...a.keys()].filter((n) => !b.has(n)),
    common: [...a.keys()].filter((n) => b.has(n)),
  };
  if (
    !from.table_name ||
    !to.table_name ||
    keyFields.length === 0 ||
    keyFields.some((k) => !a.has(k) || !b.has(k))
  )
    return { fields, rows: null };
  const col = (m: Map<string, ColumnSpec>, n: string, alias: 'a' | 'b') =>
    sql`${sql.id(alias)}.${sql.id(m.get(n)?.column ?? '')}::text`;
  const on = sql.join(
    keyFields.map((k) => sql`${col(a, k, 'a')} = ${col(b, k, 'b')}`),
    sql` and `,
  );
  const others = fields.common.filter((n) => !keyFields.includes(n));
  const differs =
    others.length > 0
      ? sql.join(
          others.map((n) => sql`${col(a, n, 'a')} is distinct from ${col(b, n, 'b')}`),
          sql` or `,
        )
      : sql`false`;
  // The key values of an example row, as a JSON array; written `field=value,…` (values masked for masked readers).
  const keyValues = (alias: 'a' | 'b') =>
    sql`json_build_array(${sql.join(keyFields.map((k) => col(alias === 'a' ? a : b, k, alias)))})`;
  const keyText = (values: unknown): string => {
    const list = (typeof values === 'string' ? JSON.parse(values) : values) as (string | null)[];
    return keyFields.map((k, i) => `${k}=${maskKey(k, list[i] ?? '')}`).join(',');
  };
  const joined = sql`from ${tableRef(from.table_name)} a full outer join ${tableRef(to.table_name)} b on ${on}`;
  const { rows: counts } = await sql<{ added: number; removed: number; changed: number; unchanged: number }>`
    select count(*) filter (where a._row is null)::int as added,
           count(*) filter (where b._row is null)::int as removed,
           count(*) filter (where a._row is not null and b._row is not null and (${differs}))::int as changed,
           count(*) filter (where a._row is not null and b._row is not null and not (${differs}))::int as unchanged
    ${joined}`.execute(db);
  const example = async (condition: ReturnType<typeof sql>, alias: 'a' | 'b') =>
    (
      await sql<{
        k: unknown;
      }>`select ${keyValues(alias)} as k ${joined} where ${condition} order by ${keyValues(alias)}::text limit ${samples}`.execute(
        db,
      )
    ).rows.map((r) => keyText(r.k));
  const both = sql`a._row is not null and b._row is not null`;
  return {
    fields,
    rows: {
      added: counts[0]?.added ?? 0,
      removed: counts[0]?.removed ?? 0,
      changed: counts[0]?.changed ?? 0,
      unchanged: counts[0]?.unchanged ?? 0,
      examples: {
        added: await example(sql`a._row is null`, 'b'),
        removed: await example(sql`b._row is null`, 'a'),
        changed: await example(sql`${both} and (${differs})`, 'b'),
      },
    },
  };
}
