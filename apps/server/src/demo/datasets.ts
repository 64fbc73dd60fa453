/**
 * The demo datasets (apps/server/demo/datasets.json and data/*.csv.gz): synthetic data of the demo
 * city for structured entries of the demo catalog, and two files (a PDF bulletin, a radar image) for
 * non-structured ones, with how the demo loader provides them (when, with which key fields and code
 * lists). The CSV files are written by apps/server/demo/generate (deterministic, seeded); their
 * header is the entry's data item names. Everything is made up (valid in form). Only demo data may
 * name Shenyang.
 */
import { parse } from 'csv-parse';
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DataItem } from '../modules/catalog/index.ts';
import { DEMO_CATALOG } from './catalog.ts';
import { demoPath, readDemoJson } from './read.ts';

export interface DemoDataset {
  /** The catalog entry's name in the demo catalog. */
  entryName: string;
  /** The gzipped CSV, relative to apps/server/demo. */
  file: string;
  /** How many rows the file holds. */
  rows: number;
  /** Key fields of the version comparison. */
  keyFields: string[];
  /** How many days before the load the department provided the data. */
  providedDaysAgo: number;
  /** A stated row count that disagrees with the data (a consistency problem for the quality watch). */
  declaredRows?: number;
  /** An earlier version without the rows of the last value of `withoutLast`, `daysBefore` days older. */
  earlierVersion?: { withoutLast: string; daysBefore: number };
  /** Code lists of the entry's coded fields (for the validator's enumeration rule). */
  enumerations: Record<string, string[]>;
  /** The entry's data items (from the demo catalog): each row has one value per item, in this order. */
  items: DataItem[];
}

export interface DemoFile {
  entryName: string;
  /** The file's name as provided. */
  fileName: string;
  /** The file, relative to apps/server/demo. */
  file: string;
  mediaType: 'application/pdf' | 'image/png';
  providedDaysAgo: number;
  /** The entry's row describing the file (its binary item holds the file name). */
  values: (string | null)[];
}

interface Manifest {
  /** The day the demo data were extracted: no date in them is later. */
  dataDate: string;
  datasets: Omit<DemoDataset, 'items'>[];
  files: DemoFile[];
}

/** The data items of an entry of the demo catalog. */
export function demoEntryItems(entryName: string): DataItem[] {
  const entry = DEMO_CATALOG.find((e) => e.metadata.name === entryName);
  if (entry === undefined) throw new Error(`demo data: no catalog entry named ${entryName}`);
  return entry.metadata.dataItems;
}

const manifest = readDemoJson<Manifest>('datasets.json');

export const DEMO_DATA_DATE = manifest.dataDate;
export const DEMO_DATASETS: readonly DemoDataset[] = manifest.datasets.map((d) => ({
  ...d,
  items: demoEntryItems(d.entryName),
}));
export const DEMO_FILES: readonly DemoFile[] = manifest.files;

export function demoDataset(entryName: string): DemoDataset {
  const found = DEMO_DATASETS.find((d) => d.entryName === entryName);
  if (found === undefined) throw new Error(`no demo dataset for ${entryName}`);
  return found;
}

/**
 * The rows of a demo dataset, read from its file as text (null for an empty cell), one value per
 * data item. The header must name the items in order.
 */
export async function* demoRows(dataset: DemoDataset): AsyncGenerator<(string | null)[]> {
  const parser = fs
    .createReadStream(demoPath(dataset.file))
    .pipe(createGunzip())
    .pipe(parse({ relax_column_count: false }));
  let header = true;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (header) {
      const expected = dataset.items.map((i) => i.name);
      if (record.join(',') !== expected.join(','))
        throw new Error(
          `demo data ${dataset.file}: columns ${record.join(',')} are not ${expected.join(',')}`,
        );
      header = false;
      continue;
    }
    yield record.map((v) => (v === '' ? null : v));
  }
}
