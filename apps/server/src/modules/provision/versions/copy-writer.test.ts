/**
 * The COPY path of data versions (PostgreSQL) against the multi-row INSERT path: the same rows give
 * the same table, value for value; a COPY that fails or is abandoned leaves nothing and no lock.
 * On PGlite, which writes with INSERT only, the text-format encoding is checked.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { dataItem, seedEntry } from '../../../../test/provision.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { copyLine, copyValue } from './copy-writer.ts';
import {
  abandonVersion,
  appendRows,
  beginTableVersion,
  cleanUpInterrupted,
  completeVersion,
  countRows,
  currentVersion,
  readRows,
  tableExists,
  type OpenVersion,
} from './versions.store.ts';

const ITEMS = [
  dataItem('name', '名称', 'string'),
  dataItem('note', '备注', 'string'),
  dataItem('capital', '注册资本（万元）', 'decimal'),
  dataItem('staff', '从业人数', 'integer'),
  dataItem('founded', '成立日期', 'date'),
  dataItem('updated', '更新时间', 'datetime'),
  dataItem('listed', '是否上市', 'boolean'),
  dataItem('id_number', '公民身份号码', 'id_number'),
  dataItem('location', '位置', 'geometry'),
];

/** Values as the validator stores them (text; null for empty), with every character COPY escapes. */
const ROWS: (string | null)[][] = [
  [
    '沈阳华晨汽车配件有限公司',
    '经营范围：汽车零部件；“特种”设备\t（不含）',
    '1200.50',
    '86',
    '2019-03-12',
    '2026-03-31T08:00:00+08:00',
    'true',
    '21010219800101001X',
    '{"type":"Point","coordinates":[123.43,41.8]}',
  ],
  [
    '和平区"老边饺子"餐饮店',
    '第一行\n第二行\r\n第三行\r',
    '0',
    '-12',
    '2008-11-30',
    null,
    'false',
    null,
    null,
  ],
  [
    '反斜杠\\与\\N',
    '\\N',
    '-0.000001',
    '9007199254740993',
    '1992-01-01',
    '2025-12-31T23:59:59Z',
    null,
    '',
    null,
  ],
  [
    '',
    '',
    null,
    null,
    null,
    null,
    null,
    null,
    '{"type":"LineString","coordinates":[[123.1,41.7],[123.2,41.75]]}',
  ],
  [
    'tab\tand\\tliteral',
    '单引号\' 和 双引号" 和逗号,',
    '123456789012345.123456',
    '0',
    '2024-02-29',
    '2024-02-29T12:00:00.123+08:00',
    'true',
    null,
    '{"type":"Point","coordinates":[-0.5,1e-7]}',
  ],
];

let t: TestDatabase;
let entryId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await migrateToLatest(t.handle.db);
  entryId = await seedEntry(t.handle.db);
});
afterAll(async () => {
  await t?.drop();
});

async function begin(): Promise<OpenVersion> {
  return beginTableVersion(t.handle, { entryId, items: ITEMS, source: 'upload', createdBy: null });
}

/** The same version written with INSERT statements (the lease without its connection). */
function insertPath(v: OpenVersion): OpenVersion {
  return { ...v, lease: { release: () => v.lease.release() } };
}

const numbered = (rows: (string | null)[][], from = 2) =>
  rows.map((values, i) => ({ row: i + from, values }));

async function tableRows(table: string) {
  const { rows } = await sql<{
    r: unknown;
  }>`select to_jsonb(t) as r from ${sql.id('resource_data', table)} t order by _row`.execute(t.handle.db);
  return rows.map((r) => r.r);
}

describe('COPY text format', () => {
  it('escapes backslash, tab, line feed and carriage return, and writes NULL as \\N', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('')).toBe('');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue("沈阳“老边”,'x'")).toBe("沈阳“老边”,'x'");
    expect(copyLine(7, ['a', null, ''], 3)).toBe('7\ta\t\\N\t\n');
  });
});

describe('clean-up at start', () => {
  it('drops version tables that no version owns or only a failed one does, and keeps the others', async () => {
    const ready = await begin();
    await appendRows(t.handle.db, ready, numbered(ROWS));
    await completeVersion(t.handle.db, ready, { rowCount: ROWS.length, by: null, makeCurrent: false });
    const failed = await begin();
    await abandonVersion(t.handle.db, failed, 'failed', { code: 'invalid' });
    // What a crash between two statements could leave: a table without its version, and a failed
    // version whose table is still there.
    const orphan = `v_${'ab'.repeat(16)}`;
    await sql`create table ${sql.id('resource_data', orphan)} (_row bigint primary key)`.execute(t.handle.db);
    await sql`create table ${sql.id('resource_data', failed.tableName)} (_row bigint primary key)`.execute(
      t.handle.db,
    );
    // Someone else's table in the schema, not named like a version's, is not ours to drop.
    await sql`create table resource_data.kept_by_someone (x int)`.execute(t.handle.db);

    expect(await cleanUpInterrupted(t.handle)).toBe(0);
    expect(await tableExists(t.handle.db, orphan)).toBe(false);
    expect(await tableExists(t.handle.db, failed.tableName)).toBe(false);
    expect(await tableExists(t.handle.db, ready.tableName)).toBe(true);
    expect(await countRows(t.handle.db, ready.tableName)).toBe(ROWS.length);
    expect(await tableExists(t.handle.db, 'kept_by_someone')).toBe(true);
    await sql`drop table resource_data.kept_by_someone`.execute(t.handle.db);
  });
});

describe.runIf(TEST_BACKEND === 'postgres')('COPY path on PostgreSQL', () => {
  it('stores exactly what the INSERT path stores', async () => {
    const viaCopy = await begin();
    await appendRows(t.handle.db, viaCopy, numbered(ROWS.slice(0, 2)));
    await appendRows(t.handle.db, viaCopy, numbered(ROWS.slice(2), 4));
    expect(viaCopy.writer).toBeTruthy();
    await completeVersion(t.handle.db, viaCopy, { rowCount: ROWS.length, by: null, makeCurrent: false });

    const viaInsert = insertPath(await begin());
    await appendRows(t.handle.db, viaInsert, numbered(ROWS));
    expect(viaInsert.writer ?? null).toBeNull();
    await completeVersion(t.handle.db, viaInsert, { rowCount: ROWS.length, by: null, makeCurrent: false });

    const a = await tableRows(viaCopy.tableName);
    const b = await tableRows(viaInsert.tableName);
    expect(a).toHaveLength(ROWS.length);
    expect(a).toEqual(b);
    // Also equal as typed values, compared by PostgreSQL itself.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from (
        (select * from ${sql.id('resource_data', viaCopy.tableName)} except all select * from ${sql.id('resource_data', viaInsert.tableName)})
        union all
        (select * from ${sql.id('resource_data', viaInsert.tableName)} except all select * from ${sql.id('resource_data', viaCopy.tableName)})) d`.execute(
      t.handle.db,
    );
    expect(rows[0]?.n).toBe(0);

    // Read back as text: special characters, empty strings and nulls are what was written.
    const read = await readRows(
      t.handle.db,
      { table_name: viaCopy.tableName, columns: viaCopy.columns },
      0,
      10,
    );
    expect(read.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(read[0]?.values.slice(0, 5)).toEqual(ROWS[0]?.slice(0, 5));
    expect(read[1]?.values[1]).toBe('第一行\n第二行\r\n第三行\r');
    expect(read[2]?.values.slice(0, 2)).toEqual(['反斜杠\\与\\N', '\\N']);
    expect(read[2]?.values[3]).toBe('9007199254740993');
    expect(read[2]?.values[7]).toBe('');
    expect(read[3]?.values.slice(0, 3)).toEqual(['', '', null]);
    expect(read[4]?.values[0]).toBe('tab\tand\\tliteral');
    expect(read[4]?.values[2]).toBe('123456789012345.123456');
    expect(JSON.parse(read[4]?.values[8] ?? 'null')).toEqual({ type: 'Point', coordinates: [-0.5, 1e-7] });
  });

  it('shows no row of a version before its COPY ends', async () => {
    const v = await begin();
    // Enough text that the COPY is under way (rows go to the server in pieces of 64 K characters).
    const long = '沈阳市和平区'.repeat(100);
    const many = Array.from({ length: 2000 }, () => [
      long,
      null,
      '1',
      '1',
      '2020-01-01',
      null,
      'true',
      null,
      null,
    ]);
    await appendRows(t.handle.db, v, numbered(many));
    const { rows: progress } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_progress_copy p join pg_class c on c.oid = p.relid
       where c.relname = ${v.tableName}`.execute(t.handle.db);
    expect(progress[0]?.n).toBe(1);
    expect(await countRows(t.handle.db, v.tableName)).toBe(0);
    await completeVersion(t.handle.db, v, { rowCount: many.length, by: null, makeCurrent: false });
    expect(await countRows(t.handle.db, v.tableName)).toBe(2000);
  });

  it('abandons a version in the middle of its COPY: nothing kept, table dropped, no lock left', async () => {
    const before = await currentVersion(t.handle.db, entryId);
    const v = await begin();
    const long = '数据'.repeat(500);
    await appendRows(
      t.handle.db,
      v,
      numbered(Array.from({ length: 1000 }, () => [long, null, null, null, null, null, null, null, null])),
    );
    await abandonVersion(t.handle.db, v, 'cancelled', { code: 'cancelled' });
    expect(await tableExists(t.handle.db, v.tableName)).toBe(false);
    expect((await currentVersion(t.handle.db, entryId))?.id).toBe(before?.id);
    // The lease is free again: the next version can be written and completed.
    const next = await begin();
    await appendRows(t.handle.db, next, numbered(ROWS));
    await completeVersion(t.handle.db, next, { rowCount: ROWS.length, by: null });
    expect((await currentVersion(t.handle.db, entryId))?.id).toBe(next.id);
  });

  it('ends an unfinished COPY when the lease is released, instead of waiting behind it', async () => {
    const v = await begin();
    await appendRows(
      t.handle.db,
      v,
      numbered(
        Array.from({ length: 1000 }, () => [
          '沈阳'.repeat(100),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ]),
      ),
    );
    const released = await Promise.race([
      v.lease.release().then(() => 'released'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
    ]);
    expect(released).toBe('released');
    // Nothing of it was kept; it can be abandoned as usual.
    expect(await countRows(t.handle.db, v.tableName)).toBe(0);
    await abandonVersion(t.handle.db, v, 'failed', { code: 'internal' });
    expect(await tableExists(t.handle.db, v.tableName)).toBe(false);
  });

  it('fails the completion when PostgreSQL refuses a value, and the version can then be abandoned', async () => {
    const current = await currentVersion(t.handle.db, entryId);
    const v = await begin();
    // Out of range for bigint: refused by COPY as by the INSERT path's cast.
    await appendRows(
      t.handle.db,
      v,
      numbered([['x', null, null, '99999999999999999999', null, null, null, null, null]]),
    );
    await expect(completeVersion(t.handle.db, v, { rowCount: 1, by: null })).rejects.toThrow(/bigint/);
    await abandonVersion(t.handle.db, v, 'failed', { code: 'internal' });
    expect(await tableExists(t.handle.db, v.tableName)).toBe(false);
    const state = await t.handle.db
      .selectFrom('data_versions')
      .select('state')
      .where('id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('failed');
    expect((await currentVersion(t.handle.db, entryId))?.id).toBe(current?.id);
  });
});
