/**
 * The SQL of the export: which version is exported, and the statements that read a version's table
 * as text — in keyset-paged batches through Kysely (PGlite, or any), through a server-side cursor or
 * `COPY … TO STDOUT` on the export's own PostgreSQL connection. export.ts keeps the checks, the
 * encodings, the formats and the streams.
 *
 * Values are the same text on every path: each column goes through `valueSql` (dates YYYY-MM-DD,
 * datetimes ISO 8601 in China Standard Time `2026-03-15T08:30:00+08:00`, geometries as JSON). The
 * statements carry no parameters (COPY takes none): table and column names are checked against the
 * shapes versions.store.ts gives them.
 */
import { finished } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { Db } from '../../../db/database.ts';
import { holdsText, neutralisedSql } from '../../../formats/formula-like.ts';
import type { ColumnSpec } from '../versions/versions.store.ts';

/** A row's values as text, in the order of the columns asked for. */
export type Row = (string | null)[];

// ---------------------------------------------------------------------------------------------
// The version
// ---------------------------------------------------------------------------------------------

/** The id of the entry's current version, if it has one. */
export async function currentVersionId(db: Db, entryId: string): Promise<string | undefined> {
  const current = await db
    .selectFrom('data_current')
    .select('version_id')
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return current?.version_id;
}

/** The entry's version by id or by number, or undefined. */
export async function findEntryVersion(db: Db, entryId: string, by: { id: string } | { versionNo: number }) {
  let q = db.selectFrom('data_versions').selectAll().where('entry_id', '=', entryId);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('version_no', '=', by.versionNo);
  return q.executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// The text of a value
// ---------------------------------------------------------------------------------------------

const TABLE_NAME = /^v_[0-9a-f]{32}$/;
const COLUMN_NAME = /^c[0-9]{1,4}$/;

function tableSql(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`not a version table: ${table}`);
  return `"resource_data"."${table}"`;
}

/**
 * The SQL of a column's value as text (no parameters: COPY takes none). Datetimes in China Standard
 * Time with the offset (fraction only when there is one), so the output does not depend on the
 * session's time zone.
 */
export function valueSql(c: ColumnSpec): string {
  if (!COLUMN_NAME.test(c.column)) throw new Error(`not a version column: ${c.column}`);
  const col = `"${c.column}"`;
  if (c.dataType === 'date') return `to_char(${col}, 'YYYY-MM-DD')`;
  if (c.dataType === 'datetime')
    return `rtrim(rtrim(to_char(${col} at time zone interval '08:00', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '0'), '.') || '+08:00'`;
  return `${col}::text`;
}

/** The SQL of a column's value as text, as one variant of export writes it. */
export type ValueSql = (c: ColumnSpec) => string;

/** The CSV for spreadsheets: text values a spreadsheet would run as formulas get a `'` before them. */
export const spreadsheetValueSql: ValueSql = (c) =>
  holdsText(c.dataType) ? neutralisedSql(valueSql(c)) : valueSql(c);

const selectSql = (table: string, columns: readonly ColumnSpec[], value: ValueSql = valueSql) =>
  `select ${columns.map((c, i) => `${value(c)} as x${i}`).join(', ')} from ${tableSql(table)}`;

// ---------------------------------------------------------------------------------------------
// Reading rows
// ---------------------------------------------------------------------------------------------

/** PGlite (or any): batches by `_row`, each its own short statement. */
export async function* keysetBatches(
  db: Db,
  table: string,
  columns: readonly ColumnSpec[],
  size: number,
  value: ValueSql,
): AsyncGenerator<Row[]> {
  const list = ['_row', ...columns.map((c, i) => `${value(c)} as x${i}`)].join(', ');
  let last: number | null = null;
  for (;;) {
    const where: string = last === null ? '' : `where _row > ${last}`;
    const { rows } = await sql<Record<string, unknown>>`${sql.raw(
      `select ${list} from ${tableSql(table)} ${where} order by _row limit ${size}`,
    )}`.execute(db);
    if (rows.length === 0) return;
    const batch: Row[] = new Array<Row>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Record<string, unknown>;
      const values: Row = new Array<string | null>(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const v = row[`x${i}`];
        values[i] = v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
      }
      batch[r] = values;
    }
    last = Number((rows[rows.length - 1] as Record<string, unknown>)._row);
    yield batch;
    if (rows.length < size) return;
  }
}

/** PostgreSQL: a server-side cursor (pg-query-stream) on the export's own connection. */
export async function* cursorBatches(
  client: pg.PoolClient,
  table: string,
  columns: readonly ColumnSpec[],
  size: number,
  value: ValueSql,
): AsyncGenerator<Row[]> {
  const stream = client.query(
    new QueryStream(`${selectSql(table, columns, value)} order by _row`, [], {
      rowMode: 'array',
      batchSize: size,
    }),
  );
  try {
    let batch: Row[] = [];
    for await (const row of stream as AsyncIterable<Row>) {
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    // An abort leaves the loop early: the cursor is closed (the connection is usable again) first.
    if (!stream.destroyed) stream.destroy();
    await finished(stream).catch(() => undefined);
  }
}

/** PostgreSQL: the rows as `COPY … TO STDOUT (FORMAT csv)` writes them, on the export's connection. */
export function copyCsv(
  client: pg.PoolClient,
  table: string,
  columns: readonly ColumnSpec[],
  value: ValueSql,
) {
  return client.query(
    copyTo(`copy (${selectSql(table, columns, value)} order by _row) to stdout with (format csv)`),
  );
}

/** Cancels the statement running on the PostgreSQL session `pid` (an export's COPY). */
export async function cancelBackend(db: Db, pid: number): Promise<void> {
  await sql`select pg_cancel_backend(${pid})`.execute(db);
}

/** The longest text of each column, in their order (0 for a table without rows). */
export async function maxTextLengths(
  db: Db,
  table: string,
  columns: readonly ColumnSpec[],
): Promise<number[]> {
  const cols = columns.map((c, i) => `max(length(${valueSql(c)})) as m${i}`).join(', ');
  const { rows } = await sql<
    Record<string, unknown>
  >`${sql.raw(`select ${cols} from ${tableSql(table)}`)}`.execute(db);
  const row = rows[0] ?? {};
  return columns.map((_, i) => Number(row[`m${i}`] ?? 0));
}
