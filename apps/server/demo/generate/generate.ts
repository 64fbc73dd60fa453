/**
 * Writes the demo datasets' CSV files (apps/server/demo/data/*.csv.gz) and the demo files
 * (apps/server/demo/files) from the generators: `npx tsx apps/server/demo/generate/generate.ts`.
 * Deterministic: the same bytes on every run (the PDF needs Debian's fonts-noto-cjk). The server
 * never runs this; it reads the files it wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { demoPath } from '../../src/demo/read.ts';
import { DEMO_FILES, GENERATED_DATASETS, generateFile, type GeneratedDataset } from './registry.ts';

const NEEDS_QUOTES = /[",\r\n]/;
const cell = (v: string | null) =>
  v === null ? '' : NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** The CSV text of a dataset, line by line: the item names, then the rows (LF line ends, UTF-8). */
export function* csvLines(dataset: GeneratedDataset): Generator<string> {
  yield `${dataset.items.map((i) => cell(i.name)).join(',')}\n`;
  for (const row of dataset.generate()) yield `${row.map(cell).join(',')}\n`;
}

async function main(): Promise<void> {
  for (const dataset of GENERATED_DATASETS) {
    const file = demoPath(dataset.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // mtime 0 in the gzip header: the same bytes on every run.
    await pipeline(Readable.from(csvLines(dataset)), createGzip({ level: 9 }), fs.createWriteStream(file));
    console.log(`${dataset.file}  ${dataset.rows} rows`);
  }
  for (const file of DEMO_FILES) {
    const target = demoPath(file.file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await generateFile(file));
    console.log(file.file);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
