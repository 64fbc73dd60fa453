/**
 * Loads the demo datasets (`demo-data.ts`) into the demo city's catalog entries, in the background
 * after the server has started: a 100,000-row enterprise table takes a while, and the platform is
 * usable meanwhile. Each entry is loaded on its own and only when it has no data version yet, so a
 * server stopped half-way loads the rest at its next start and never loads an entry twice.
 *
 * The two file entries get their files (a PDF statistical bulletin, a weather radar image).
 * The versions are dated as a department would have provided them (relative to the load day): most
 * entries were provided recently, within their update cycle; two real-time entries are behind and one
 * department's stated row count disagrees with what it provided, so the quality watch has real
 * problems to show; the consumer price index has two versions (the second adds a month) to compare.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle } from '../../db/database.ts';
import { DEMO_DATASETS, DEMO_FILES, type DemoDataset, type DemoFile } from './demo-data.ts';
import { describeFile, recordFilesVersion } from './files/files.ts';
import { ingestRows, type RowInput } from './versions/ingest.ts';

type Db = DatabaseHandle['db'];
const DAY_MS = 86_400_000;

/** Key fields by entry (for version comparison); items must exist in the entry. */
const KEY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  市场主体登记注册信息: ['credit_code'],
  企业年度报告公示信息: ['credit_code', 'report_year'],
  人口基础信息: ['id_number'],
  住房公积金缴存信息: ['account_number'],
  公交站点位置信息: ['stop_id'],
  中小学校基本信息: ['school_code'],
  养老机构信息: ['credit_code'],
  公共停车场泊位信息: ['lot_id'],
  燃气管网设施分布: ['segment_id'],
  城市公共厕所位置信息: ['toilet_code'],
  居民消费价格指数: ['stat_month', 'category'],
};

/** How many days before the load each entry's data was provided (default: three hours before). */
const PROVIDED_DAYS_AGO: Readonly<Record<string, number>> = {
  自动气象站逐小时观测数据: 4, // real-time data, four days without a new version
  公共停车场泊位信息: 3,
  企业年度报告公示信息: 40,
  中小学校基本信息: 75,
  养老机构信息: 20,
  燃气管网设施分布: 30,
  城市公共厕所位置信息: 45,
  住房公积金缴存信息: 12,
  公交站点位置信息: 9,
  道路交通事故统计数据: 14,
};

/** The department states it holds more rows than it provided (a consistency problem to show). */
const DECLARED_ROWS: Readonly<Record<string, number>> = { 住房公积金缴存信息: 8_012 };

/** The entry whose first version lacks the last month, so it has two versions to compare. */
const TWO_VERSIONS = '居民消费价格指数';

async function* rowsOf(dataset: DemoDataset, keep: (values: (string | null)[]) => boolean) {
  let record = 0;
  for (const feature of dataset.features()) {
    record++;
    if (!keep(feature.values)) continue;
    const row: RowInput = { record, values: feature.values };
    if (feature.geometry) row.geometry = feature.geometry;
    yield row;
  }
}

async function publishedEntry(db: Db, name: string) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', 'v.id', 'e.published_version_id')
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirst();
}

async function hasData(db: Db, entryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('data_versions')
    .select('id')
    .where('entry_id', '=', entryId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Moves a version's dates to when the department provided it. */
async function backdate(db: Db, versionId: string, at: Date): Promise<void> {
  await db
    .updateTable('data_versions')
    .set({ created_at: new Date(at.getTime() - 60_000), completed_at: at })
    .where('id', '=', versionId)
    .execute();
  await db.updateTable('data_current').set({ switched_at: at }).where('version_id', '=', versionId).execute();
}

/**
 * A demo file (a PDF notice, a radar image) as the current files version of its entry, when the
 * entry has no data yet: the file is written under `filesDir/<version>/1` first, then the version
 * and its file are recorded and made current in one transaction.
 */
async function loadDemoFile(handle: DatabaseHandle, file: DemoFile, filesDir: string, at: Date) {
  const entry = await publishedEntry(handle.db, file.entryName);
  if (!entry || (await hasData(handle.db, entry.id))) return false;
  const versionId = randomUUID();
  const dir = path.join(filesDir, versionId);
  await fs.promises.mkdir(dir, { recursive: true });
  try {
    const stored = path.join(dir, '1');
    await fs.promises.writeFile(stored, await file.generate());
    const d = await describeFile(stored, file.fileName);
    await handle.db.transaction().execute((trx) =>
      recordFilesVersion(trx, {
        versionId,
        entryId: entry.id,
        source: 'demo',
        files: [
          {
            position: 1,
            fileName: file.fileName,
            mediaType: d.mediaType,
            byteCount: d.bytes,
            sm3: d.sm3,
            storageKey: `${versionId}/1`,
          },
        ],
        note: null,
        by: null,
        at,
      }),
    );
    return true;
  } catch (err) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface DemoDataLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Loads every demo dataset whose entry is published and still has no data, and (given the files
 * directory) the demo files. Returns the number of entries loaded. Does nothing outside the demo
 * city (no entry of that name).
 */
export async function loadDemoData(
  handle: DatabaseHandle,
  log: DemoDataLog,
  options: { now?: Date; only?: readonly string[]; filesDir?: string } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  let loaded = 0;
  for (const dataset of DEMO_DATASETS) {
    if (options.only && !options.only.includes(dataset.entryName)) continue;
    const entry = await publishedEntry(handle.db, dataset.entryName);
    if (!entry || (await hasData(handle.db, entry.id))) continue;
    const started = Date.now();
    const names = new Set(dataset.items.map((i) => i.name));
    const keyFields = (KEY_FIELDS[dataset.entryName] ?? []).filter((k) => names.has(k));
    const settings = {
      entry_id: entry.id,
      error_policy: 'reject' as const,
      enumerations: JSON.stringify(dataset.enumerations),
      key_fields: keyFields,
      declared_row_count: DECLARED_ROWS[dataset.entryName] ?? null,
      declared_at: DECLARED_ROWS[dataset.entryName] ? now : null,
    };
    await handle.db
      .insertInto('provision_settings')
      .values(settings)
      .onConflict((oc) => oc.column('entry_id').doUpdateSet(settings))
      .execute();
    const target = {
      entryId: entry.id,
      items: dataset.items,
      settings: {
        errorPolicy: 'reject' as const,
        enumerations: Object.fromEntries(Object.entries(dataset.enumerations).map(([k, v]) => [k, [...v]])),
      },
      source: 'demo' as const,
      createdBy: null,
    };
    const providedAt = new Date(now.getTime() - (PROVIDED_DAYS_AGO[dataset.entryName] ?? 0.125) * DAY_MS);
    if (dataset.entryName === TWO_VERSIONS) {
      let last = '';
      for (const [month] of dataset.generate()) if ((month ?? '') > last) last = month ?? '';
      const first = await ingestRows(
        handle,
        target,
        rowsOf(dataset, (v) => v[0] !== last),
      );
      if (first.state !== 'ready') throw new Error(`demo data ${dataset.entryName}: ${first.state}`);
      await backdate(handle.db, first.versionId, new Date(providedAt.getTime() - 30 * DAY_MS));
    }
    const result = await ingestRows(
      handle,
      target,
      rowsOf(dataset, () => true),
    );
    if (result.state !== 'ready') {
      log.error({ entry: dataset.entryName, report: result.report }, 'demo data did not validate');
      throw new Error(`demo data ${dataset.entryName}: ${result.state}`);
    }
    await backdate(handle.db, result.versionId, providedAt);
    loaded++;
    log.info(
      { entry: dataset.entryName, rows: result.rowCount, ms: Date.now() - started },
      'loaded demo data',
    );
  }
  for (const file of DEMO_FILES) {
    if (!options.filesDir || (options.only && !options.only.includes(file.entryName))) continue;
    const at = new Date(now.getTime() - (PROVIDED_DAYS_AGO[file.entryName] ?? 0.125) * DAY_MS);
    if (await loadDemoFile(handle, file, options.filesDir, at)) {
      loaded++;
      log.info({ entry: file.entryName, file: file.fileName }, 'loaded demo file');
    }
  }
  return loaded;
}
