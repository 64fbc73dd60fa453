/**
 * Loads the demo datasets (apps/server/demo/datasets.json, data/*.csv.gz) into the demo city's
 * catalog entries, in the background after the server has started: a 100,000-row enterprise table
 * takes a while, and the platform is usable meanwhile. Each entry is loaded on its own and only when
 * it has no data version yet, so a server stopped half-way loads the rest at its next start and
 * never loads an entry twice.
 *
 * The two file entries get their files (a PDF statistical bulletin, a weather radar image).
 * The versions are dated as a department would have provided them (relative to the load day, as
 * datasets.json says): most entries were provided recently, within their update cycle; two real-time
 * entries are behind and one department's stated row count disagrees with what it provided, so the
 * quality watch has real problems to show; the consumer price index has two versions (the second
 * adds a month) to compare.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle, Db } from '../../db/database.ts';
import { DEMO_DATASETS, DEMO_FILES, demoRows, type DemoDataset, type DemoFile } from '../../demo/datasets.ts';
import { demoPath } from '../../demo/read.ts';
import { publishedEntries } from '../catalog/index.ts';
import { describeFile, recordFilesVersion } from './files/files.ts';
import { ingestRows, type RowInput } from './versions/ingest.ts';
import * as repo from './versions/versions.repository.ts';

const DAY_MS = 86_400_000;

async function* rowsOf(dataset: DemoDataset, keep: (values: (string | null)[]) => boolean) {
  let record = 0;
  for await (const values of demoRows(dataset)) {
    record++;
    if (!keep(values)) continue;
    const row: RowInput = { record, values };
    yield row;
  }
}

async function publishedEntry(db: Db, name: string) {
  return (await publishedEntries(db, { name }))[0];
}

/** Whether the entry has a current version: a load stopped half-way (cancelled) does not count. */
async function hasData(db: Db, entryId: string): Promise<boolean> {
  return repo.hasCurrentVersion(db, entryId);
}

/** Moves a version's dates to when the department provided it. */
async function backdate(db: Db, versionId: string, at: Date): Promise<void> {
  await repo.backdateVersion(db, versionId, new Date(at.getTime() - 60_000), at);
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
    await fs.promises.copyFile(demoPath(file.file), stored);
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
 *
 * When `signal` is aborted (the server is shutting down) the loader stops at the next row: the
 * entry being loaded gets a cancelled version and no current one, so the next start loads it again.
 */
export async function loadDemoData(
  handle: DatabaseHandle,
  log: DemoDataLog,
  options: { now?: Date; only?: readonly string[]; filesDir?: string; signal?: AbortSignal } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const { signal } = options;
  let loaded = 0;
  for (const dataset of DEMO_DATASETS) {
    if (signal?.aborted) return loaded;
    if (options.only && !options.only.includes(dataset.entryName)) continue;
    const entry = await publishedEntry(handle.db, dataset.entryName);
    if (!entry || (await hasData(handle.db, entry.id))) continue;
    const started = Date.now();
    const settings = {
      entry_id: entry.id,
      error_policy: 'reject' as const,
      enumerations: JSON.stringify(dataset.enumerations),
      key_fields: dataset.keyFields,
      declared_row_count: dataset.declaredRows ?? null,
      declared_at: dataset.declaredRows !== undefined ? now : null,
    };
    await repo.replaceSettings(handle.db, settings);
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
    const providedAt = new Date(now.getTime() - dataset.providedDaysAgo * DAY_MS);
    const earlier = dataset.earlierVersion;
    if (earlier) {
      const column = dataset.items.findIndex((i) => i.name === earlier.withoutLast);
      let last = '';
      for await (const values of demoRows(dataset))
        if ((values[column] ?? '') > last) last = values[column] ?? '';
      const first = await ingestRows(
        handle,
        target,
        rowsOf(dataset, (v) => v[column] !== last),
        { signal },
      );
      if (first.state === 'cancelled') return loaded;
      if (first.state !== 'ready') throw new Error(`demo data ${dataset.entryName}: ${first.state}`);
      await backdate(
        handle.db,
        first.versionId,
        new Date(providedAt.getTime() - earlier.daysBefore * DAY_MS),
      );
    }
    const result = await ingestRows(
      handle,
      target,
      rowsOf(dataset, () => true),
      { signal },
    );
    if (result.state === 'cancelled') return loaded;
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
    if (signal?.aborted) return loaded;
    if (!options.filesDir || (options.only && !options.only.includes(file.entryName))) continue;
    const at = new Date(now.getTime() - file.providedDaysAgo * DAY_MS);
    if (await loadDemoFile(handle, file, options.filesDir, at)) {
      loaded++;
      log.info({ entry: file.entryName, file: file.fileName }, 'loaded demo file');
    }
  }
  return loaded;
}
