import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { creditCode, dataItem, seedEntry } from '../../../../test/provision.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { countRows, currentVersion, readRows, tableExists, DuplicateVersionKey } from './versions.store.ts';
import { ingestFile, ingestRows, type IngestTarget } from './ingest.ts';

const ITEMS = [
  dataItem('credit_code', '统一社会信用代码', 'credit_code', { required: true }),
  dataItem('name', '企业名称', 'string', { required: true, length: 100 }),
  dataItem('founded', '成立日期', 'date'),
  dataItem('staff', '从业人数', 'integer'),
];

/** A well-formed 统一社会信用代码: type, division, GB 11714 organisation code, check character. */
const GOOD = [
  creditCode('210100', 'MA0P4AXX', '91'),
  creditCode('210102', 'MA0Q9B2K', '91'),
  creditCode('210103', '12345678', '92'),
];

let dir: string;
let t: TestDatabase;
let entryId: string;
const target = (over: Partial<IngestTarget> = {}): IngestTarget => ({
  entryId,
  items: ITEMS,
  settings: { errorPolicy: 'reject' },
  source: 'upload',
  createdBy: null,
  ...over,
});

function gbkCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-ingest-'));
  t = await createTestDatabase();
  await migrateToLatest(t.handle.db);
  entryId = await seedEntry(t.handle.db);
});
afterAll(async () => {
  await t?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ingest', () => {
  it('reads a GBK CSV with Chinese headers into a current version, values normalised', async () => {
    const file = gbkCsv('企业名录.csv', [
      '统一社会信用代码,企业名称,成立日期,从业人数',
      `${GOOD[0]},沈阳华晨汽车配件有限公司,2019/3/12,86`,
      `${GOOD[1]},"和平区""老边饺子""餐饮店",2008年11月30日,`,
    ]);
    const result = await ingestFile(t.handle, target(), file, { format: 'csv', fileName: '企业名录.csv' });
    expect(result).toMatchObject({ state: 'ready', versionNo: 1, rowCount: 2, excludedRowCount: 0 });
    const current = await currentVersion(t.handle.db, entryId);
    expect(current).toMatchObject({
      id: result.versionId,
      encoding: 'gb18030',
      file_name: '企业名录.csv',
      row_count: 2,
    });
    expect(current?.sm3).toMatch(/^[0-9a-f]{64}$/);
    const rows = await readRows(t.handle.db, current ?? { table_name: null, columns: [] }, 0, 10);
    expect(rows).toEqual([
      { row: 2, values: [GOOD[0], '沈阳华晨汽车配件有限公司', '2019-03-12', '86'] },
      { row: 3, values: [GOOD[1], '和平区"老边饺子"餐饮店', '2008-11-30', null] },
    ]);
  });

  const withBadRow = () =>
    gbkCsv('bad.csv', [
      'credit_code,name,founded,staff',
      `${GOOD[0]},企业甲,2020-01-01,1`,
      `${GOOD[2]},企业乙,2020-01-02,2`,
      `${(GOOD[0] ?? '').slice(0, 17)}${(GOOD[0] ?? '').endsWith('Y') ? '0' : 'Y'},企业丙,2020-01-03,3`,
      `${GOOD[1]},企业丁,2020-02-30,4`,
    ]);

  it('rejects a version with an invalid row whole, naming row, column and rule; the current stays', async () => {
    const before = await currentVersion(t.handle.db, entryId);
    const result = await ingestFile(t.handle, target(), withBadRow(), { format: 'csv' });
    expect(result.state).toBe('failed');
    expect(result.report.invalidRows).toBe(2);
    expect(result.report.problems.map((p) => [p.row, p.column, p.rule])).toEqual([
      [4, '统一社会信用代码', 'credit_code'],
      [5, '成立日期', 'date'],
    ]);
    const version = await t.handle.db
      .selectFrom('data_versions')
      .selectAll()
      .where('id', '=', result.versionId)
      .executeTakeFirstOrThrow();
    expect(version.state).toBe('failed');
    expect(await tableExists(t.handle.db, version.table_name ?? '')).toBe(false);
    expect((await currentVersion(t.handle.db, entryId))?.id).toBe(before?.id);
  });

  it('publishes without the invalid rows when the provider chose to exclude them', async () => {
    const result = await ingestFile(
      t.handle,
      target({ settings: { errorPolicy: 'exclude' } }),
      withBadRow(),
      {
        format: 'csv',
      },
    );
    expect(result).toMatchObject({ state: 'ready', rowCount: 2, excludedRowCount: 2 });
    const current = await currentVersion(t.handle.db, entryId);
    expect(current?.id).toBe(result.versionId);
    const rows = await readRows(t.handle.db, current ?? { table_name: null, columns: [] }, 0, 10);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect((current?.report as { problems: { row: number }[] }).problems.map((p) => p.row)).toEqual([4, 5]);
  });

  it('names a missing required column and creates no version', async () => {
    const file = gbkCsv('nocode.csv', ['企业名称,成立日期', '企业甲,2020-01-01']);
    const before = await t.handle.db.selectFrom('data_versions').select('id').execute();
    await expect(ingestFile(t.handle, target(), file, { format: 'csv' })).rejects.toMatchObject({
      status: 400,
      fields: [{ field: 'columns/credit_code' }],
    });
    expect(await t.handle.db.selectFrom('data_versions').select('id').execute()).toHaveLength(before.length);
    // With a mapping the same file's columns can feed differently named items.
    const mapped = gbkCsv('mapped.csv', ['代码,名称', `${GOOD[2]},企业戊`]);
    const ok = await ingestFile(t.handle, target(), mapped, {
      format: 'csv',
      mapping: { 代码: 'credit_code', 名称: 'name' },
    });
    expect(ok).toMatchObject({ state: 'ready', rowCount: 1 });
  });

  it('drops a cancelled version and keeps the current one', async () => {
    const before = await currentVersion(t.handle.db, entryId);
    const rowsBefore = await countRows(t.handle.db, before?.table_name ?? '');
    const controller = new AbortController();
    function* rows() {
      for (let i = 0; i < 5000; i++) {
        if (i === 2500) controller.abort();
        yield { record: i + 2, values: [GOOD[i % 3] ?? null, `企业${i}`, null, String(i)] };
      }
    }
    const result = await ingestRows(t.handle, target(), rows(), { signal: controller.signal });
    expect(result.state).toBe('cancelled');
    const version = await t.handle.db
      .selectFrom('data_versions')
      .selectAll()
      .where('id', '=', result.versionId)
      .executeTakeFirstOrThrow();
    expect(version.state).toBe('cancelled');
    expect(await tableExists(t.handle.db, version.table_name ?? '')).toBe(false);
    const current = await currentVersion(t.handle.db, entryId);
    expect(current?.id).toBe(before?.id);
    expect(await countRows(t.handle.db, current?.table_name ?? '')).toBe(rowsBefore);
  });

  it('never makes two versions of one idempotency key', async () => {
    const rows = [{ record: 1, values: [GOOD[0] ?? null, '企业甲', null, null] }];
    const first = await ingestRows(t.handle, target({ source: 'push', idempotencyKey: 'sys-42' }), rows);
    expect(first.state).toBe('ready');
    await expect(
      ingestRows(t.handle, target({ source: 'push', idempotencyKey: 'sys-42' }), rows),
    ).rejects.toBeInstanceOf(DuplicateVersionKey);
  });
});
