import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND, createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { createDatabase, type DatabaseHandle } from '../../../db/database.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { dataItem, seedEntry } from '../../../../test/provision.ts';
import {
  DuplicateVersionKey,
  abandonVersion,
  appendRows,
  beginTableVersion,
  cleanUpInterrupted,
  completeVersion,
  countRows,
  currentVersion,
  readRows,
  tableExists,
} from './versions.store.ts';

const item = dataItem;

const ITEMS = [
  item('credit_code', '统一社会信用代码', 'credit_code'),
  item('name', '企业名称', 'string'),
  item('capital', '注册资本（万元）', 'decimal'),
  item('staff', '从业人数', 'integer'),
  item('founded', '成立日期', 'date'),
  item('listed', '是否上市', 'boolean'),
  item('location', '位置', 'geometry'),
];

const ROWS = [
  [
    '91210100MA0P4AXX1X',
    '沈阳华晨汽车配件有限公司',
    '1200.50',
    '86',
    '2019-03-12',
    'true',
    '{"type":"Point","coordinates":[123.43,41.8]}',
  ],
  ['91210102MA0Q9B2K3R', '和平区“老边饺子”餐饮店', null, '12', '2008-11-30', 'false', null],
];

let dir: string;
let t: TestDatabase;
let entryId: string;

async function writeVersion(handle: DatabaseHandle, rows: (string | null)[][], key?: string) {
  const v = await beginTableVersion(handle, {
    entryId,
    items: ITEMS,
    source: 'upload',
    createdBy: null,
    idempotencyKey: key ?? null,
  });
  await appendRows(
    handle.db,
    v,
    rows.map((values, i) => ({ row: i + 2, values })),
  );
  return v;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-store-'));
  t = await createTestDatabase({ dataDir: path.join(dir, 'pglite') });
  await migrateToLatest(t.handle.db);
  entryId = await seedEntry(t.handle.db);
});
afterAll(async () => {
  if (TEST_BACKEND === 'pglite') await t?.handle.close().catch(() => undefined);
  else await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('versioned resource data', () => {
  it('keeps typed rows with Chinese text and makes a completed version current', async () => {
    expect(await currentVersion(t.handle.db, entryId)).toBeNull();
    const v = await writeVersion(t.handle, ROWS);
    expect(v.versionNo).toBe(1);
    // Until it is complete, readers see nothing new.
    expect(await currentVersion(t.handle.db, entryId)).toBeNull();
    await completeVersion(t.handle.db, v, { rowCount: 2, by: null });
    const current = await currentVersion(t.handle.db, entryId);
    expect(current).toMatchObject({ id: v.id, version_no: 1, state: 'ready', row_count: 2 });
    const rows = await readRows(t.handle.db, current ?? { table_name: null, columns: [] }, 0, 10);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(rows[0]?.values.slice(0, 6)).toEqual([
      '91210100MA0P4AXX1X',
      '沈阳华晨汽车配件有限公司',
      '1200.50',
      '86',
      '2019-03-12',
      'true',
    ]);
    expect(JSON.parse(rows[0]?.values[6] ?? 'null')).toEqual({ type: 'Point', coordinates: [123.43, 41.8] });
    expect(rows[1]?.values).toEqual([
      '91210102MA0Q9B2K3R',
      '和平区“老边饺子”餐饮店',
      null,
      '12',
      '2008-11-30',
      'false',
      null,
    ]);
  });

  it('leaves the current version in force while a new one is written, and after it fails', async () => {
    const before = await currentVersion(t.handle.db, entryId);
    const v = await writeVersion(t.handle, [ROWS[1] ?? []]);
    expect(v.versionNo).toBe(2);
    expect((await currentVersion(t.handle.db, entryId))?.id).toBe(before?.id);
    await abandonVersion(t.handle.db, v, 'failed', { code: 'invalid' });
    expect(await tableExists(t.handle.db, v.tableName)).toBe(false);
    const failed = await t.handle.db
      .selectFrom('data_versions')
      .selectAll()
      .where('id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'invalid' } });
    const current = await currentVersion(t.handle.db, entryId);
    expect(current?.id).toBe(before?.id);
    expect(await countRows(t.handle.db, current?.table_name ?? '')).toBe(2);
  });

  it('refuses a second version with the same idempotency key', async () => {
    const v = await writeVersion(t.handle, ROWS, 'push-2026-11-27-001');
    await completeVersion(t.handle.db, v, { rowCount: 2, by: null });
    await expect(writeVersion(t.handle, ROWS, 'push-2026-11-27-001')).rejects.toBeInstanceOf(
      DuplicateVersionKey,
    );
    const versions = await t.handle.db
      .selectFrom('data_versions')
      .select('version_no')
      .where('entry_id', '=', entryId)
      .execute();
    expect(versions.map((r) => r.version_no).sort()).toEqual([1, 2, 3]);
  });

  it('cleans up a version whose writer died, and never one a live writer holds', async () => {
    const current = await currentVersion(t.handle.db, entryId);
    // A live writer in this process: not touched. (Other rows than the current version's: the same
    // rows would be recorded as unchanged.)
    const live = await writeVersion(t.handle, [
      ROWS[0] ?? [],
      (ROWS[1] ?? []).map((v, i) => (i === 3 ? '13' : v)),
    ]);
    // A writer in another "process" that is killed in the middle of its version.
    let other: DatabaseHandle;
    if (TEST_BACKEND === 'postgres') {
      other = await createDatabase({ databaseUrl: t.url ?? '', poolSize: 2 });
    } else {
      // PGlite belongs to one process: the "other" one is this database after a restart.
      await t.handle.close();
      other = await createDatabase({ dataDir: path.join(dir, 'pglite') });
    }
    const dying = TEST_BACKEND === 'postgres' ? await writeVersion(other, ROWS) : null;
    // Killed: its connections end without completing or abandoning anything.
    await other.close();
    if (TEST_BACKEND === 'pglite') t.handle = await createDatabase({ dataDir: path.join(dir, 'pglite') });

    const cleaned = await cleanUpInterrupted(t.handle);
    const states = await t.handle.db
      .selectFrom('data_versions')
      .select(['id', 'state', 'table_name'])
      .where('entry_id', '=', entryId)
      .execute();
    if (TEST_BACKEND === 'postgres') {
      expect(cleaned).toBe(1);
      expect(states.find((s) => s.id === dying?.id)?.state).toBe('failed');
      expect(await tableExists(t.handle.db, dying?.tableName ?? '')).toBe(false);
      expect(states.find((s) => s.id === live.id)?.state).toBe('receiving');
      await completeVersion(t.handle.db, live, { rowCount: 2, by: null });
    } else {
      // After the restart, the version that was being written in the old process is gone.
      expect(cleaned).toBe(1);
      expect(states.find((s) => s.id === live.id)?.state).toBe('failed');
      expect(await tableExists(t.handle.db, live.tableName)).toBe(false);
    }
    // The version readers see was never touched.
    const after = await currentVersion(t.handle.db, entryId);
    expect(after?.id).toBe(TEST_BACKEND === 'postgres' ? live.id : current?.id);
    expect(await countRows(t.handle.db, after?.table_name ?? '')).toBe(2);
    // No table is left without a version that owns it.
    const tables = await t.handle.db
      .selectFrom('pg_catalog.pg_tables' as never)
      .select('tablename' as never)
      .where('schemaname' as never, '=', 'resource_data' as never)
      .execute();
    const owned = new Set(
      (
        await t.handle.db
          .selectFrom('data_versions')
          .select('table_name')
          .where('state', 'in', ['ready', 'receiving'])
          .execute()
      ).map((r) => r.table_name),
    );
    expect((tables as { tablename: string }[]).filter((r) => !owned.has(r.tablename))).toEqual([]);
  });
});
